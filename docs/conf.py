"""Sphinx configuration of the openai_lite documentation.

Build it with ``tox -e docs`` (warnings are errors). The benchmark chart is drawn from
``bench/results.json`` (written by ``tox -e bench``) each time the docs are built.
"""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

from openai_lite import __version__  # noqa: E402

# The chart is drawn into _static when the build starts; the folder holds nothing else.
os.makedirs(os.path.join(HERE, "_static"), exist_ok=True)

project = "openai_lite"
author = "the openai_lite authors"
copyright = "the openai_lite authors; MIT licence"
release = __version__
version = ".".join(__version__.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
]

# Every reference must resolve: a broken one fails the build (with -W).
nitpicky = True
nitpick_ignore_regex = [
    # Type variables and private aliases in signatures.
    (r"py:(class|obj|data)", r"(.*\.)?(T|M|T_co|_[A-Za-z].*)"),
    # Names of typing constructs as autodoc spells them.
    (r"py:class", r"(typing_extensions\.)?(Unpack|RequestOptions|Literal|Self)"),
    (r"py:class", r"openai_lite\._request\.RequestOptions"),
    # requests documents these without intersphinx targets.
    (r"py:class", r"requests\.(models\.)?(Response|PreparedRequest)"),
    (r"py:class", r"requests\.(sessions\.)?Session"),
    (r"py:class", r"requests\.adapters\.HTTPAdapter"),
    (r"py:class", r"requests\.structures\.CaseInsensitiveDict"),
    (r"py:class", r"urllib3\..*"),
    (r"py:class", r"(Timeout|Progress|Input|ToolChoice|Message|Endpoint)"),
    (r"py:class", r"openai_lite\..*\.(Timeout|Progress|Input|ToolChoice|Message|Endpoint|Source|FileInput)"),
    (r"py:class", r"(AttributeValue|FileStatus|MemoryLimit)"),
    (r"py:attr", r"(requests|raw)"),
    (r"py:func", r"time\.monotonic"),
    (r"py:class", r"(Tool|Voice|AudioFormat|Prompt|ResponseStreamEvent|ResponseOtherEvent)"),
    (r"py:class", r"(PreparedRequest|Retry)"),
    (r"py:class", r"(urllib3 Timeout object|APIStreamError)"),
    (r"py:data", r"DRAIN_ON_CLOSE"),
    (r"py:mod", r"openai_lite\._errors"),
    (r"py:class", r"(NoneType|ellipsis|Purpose|FileInput|Handler|HeaderPairs|Seeder|Payload|Event)"),
    (r"py:class", r"(Order|Dict\[str)"),
    # FakeOpenAI's state, described in its docstring rather than documented one by one.
    (r"py:attr", r"(lock|models|files|file_contents|fine_tuning_jobs|clock)"),
    # The standard library and typing (the docs build offline, without intersphinx).
    (r"py:(class|obj|data|exc)", r"(typing|collections\.abc|os|io|datetime|enum|pathlib|types)\..*"),
    (
        r"py:(class|obj|data|exc)",
        r"(str|int|float|bool|bytes|bytearray|dict|list|tuple|set|frozenset|object|type|None|Any|"
        r"Callable|Iterable|Iterator|Mapping|Sequence|Optional|Union|List|Dict|Tuple|Type|"
        r"Generator|BinaryIO|IO|PathLike|Enum|datetime|date|Exception|BaseException|ValueError|"
        r"TypeError|OSError|ClassVar|Generic|Protocol|TracebackType|Logger)",
    ),
]

# A type in a signature (``bytes``) may share its name with fields of several classes.
suppress_warnings = ["ref.python"]

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": False}
autodoc_preserve_defaults = True

templates_path = ["_templates"]
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_static_path = ["_static"]
html_theme_options = {
    "description": "A small synchronous client for the OpenAI REST API, built on requests.",
    "fixed_sidebar": True,
}


def _draw_benchmark_chart(app: object) -> None:
    import benchchart

    benchchart.draw(
        os.path.join(os.path.dirname(HERE), "bench", "results.json"),
        os.path.join(HERE, "_static", "benchmarks.png"),
    )


def setup(app: object) -> None:
    app.connect("builder-inited", _draw_benchmark_chart)  # type: ignore[attr-defined]
