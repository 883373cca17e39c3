"""Every Python example of README.rst and docs/ runs, in order, against FakeOpenAI.

The ``.. code-block:: python`` blocks of one page run one after the other in one namespace,
as a reader would paste them, with ``OPENAI_API_KEY`` and ``OPENAI_BASE_URL`` pointing at a
fresh FakeOpenAI and the sample files the examples name in the working directory. A block
that cannot run on its own says so in a comment right above it::

    .. fragment: the reason

A page whose examples call the live API for what the fake cannot do has no such blocks.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import textwrap
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

from openai_lite.testing import FakeOpenAI

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.rst", *sorted((ROOT / "docs").rglob("*.rst"))]

_DIRECTIVE = re.compile(r"^( *)\.\. code-block:: *python3? *$")
_FRAGMENT = re.compile(r"^ *\.\. fragment: *(.+)$")


@dataclass
class Block:
    """One Python example: where it is, its code, and why it is not run (if it is not)."""

    page: Path
    line: int
    code: str
    fragment: Optional[str]


def blocks_of(page: Path) -> List[Block]:
    """The Python code blocks of an reST page, in order."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found: List[Block] = []
    i = 0
    while i < len(lines):
        match = _DIRECTIVE.match(lines[i])
        if not match:
            i += 1
            continue
        start, indent = i, len(match.group(1))
        before = [line for line in lines[max(0, start - 3) : start] if line.strip()]
        fragment = next((m.group(1) for m in map(_FRAGMENT.match, before[-1:]) if m), None)
        i += 1
        while i < len(lines) and lines[i].strip().startswith(":"):  # directive options
            i += 1
        body: List[str] = []
        while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) > indent):
            body.append(lines[i])
            i += 1
        code = textwrap.dedent("\n".join(body)).strip("\n")
        found.append(Block(page, start + 1, code, fragment))
    return found


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _tiny_png() -> bytes:
    from openai_lite._cli_tour import _tiny_png as png

    return png()


def sample_files(folder: Path) -> None:
    """The files the examples name, in the folder they run in."""
    png = _tiny_png()
    for name in ("otter.png", "image.png", "mask.png"):
        (folder / name).write_bytes(png)
    mp3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + bytes(400)
    for name in ("HalloWereld.mp3", "speech.mp3", "recording.mp3"):
        (folder / name).write_bytes(mp3)
    line = '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}\n'
    for name in ("mydata.jsonl", "training.jsonl"):
        (folder / name).write_text(line * 10, encoding="utf-8")
    (folder / "report.txt").write_text("The quarterly report says revenue grew 12%.\n", encoding="utf-8")
    (folder / "big.bin").write_bytes(os.urandom(1 << 16))


@pytest.fixture
def reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    """A fresh FakeOpenAI, the environment a reader would have, and the sample files."""
    loggers = [logging.getLogger(name) for name in ("", "openai_lite", "openai_lite.body")]
    saved = [(lg, lg.level, list(lg.handlers)) for lg in loggers]
    with FakeOpenAI() as fake:
        for name in ("OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_LOG"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("OPENAI_API_KEY", fake.api_key)
        monkeypatch.setenv("OPENAI_BASE_URL", fake.url)
        sample_files(tmp_path)
        monkeypatch.chdir(tmp_path)
        yield fake
    for logger, level, handlers in saved:  # a page may configure logging, as a reader would
        logger.setLevel(level)
        logger.handlers[:] = handlers


def _page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


@pytest.mark.parametrize("page", [p for p in PAGES if blocks_of(p)], ids=_page_id)
def test_the_examples_of_a_page_run_in_order(
    page: Path, reader: FakeOpenAI, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = types.ModuleType("__example__")  # a real module, as dataclasses look their own up
    monkeypatch.setitem(sys.modules, module.__name__, module)
    namespace: Dict[str, Any] = module.__dict__
    for block in blocks_of(page):
        if block.fragment is not None:
            continue
        code = compile(block.code, f"{_page_id(page)}:{block.line}", "exec")
        try:
            exec(code, namespace)  # noqa: S102
        except Exception as exc:
            raise AssertionError(f"the example at {_page_id(page)}:{block.line} failed: {exc!r}") from exc
    capsys.readouterr()


def test_every_fragment_gives_its_reason_and_most_examples_run() -> None:
    blocks = [b for page in PAGES for b in blocks_of(page)]
    fragments = [b for b in blocks if b.fragment is not None]
    assert all(len(b.fragment or "") >= 10 for b in fragments), "a fragment needs a reason"
    assert len(blocks) >= 30 and len(fragments) <= len(blocks) // 5


def test_the_collector_reads_blocks_options_and_fragments(tmp_path: Path) -> None:
    page = tmp_path / "page.rst"
    page.write_text(
        "Intro.\n\n.. code-block:: python\n   :caption: one\n\n   x = 1\n\n   y = x\n\nText.\n\n"
        ".. fragment: a shape, not a program\n\n.. code-block:: python\n\n    z = undefined\n\n"
        ".. code-block:: sh\n\n    tox\n",
        encoding="utf-8",
    )
    one, two = blocks_of(page)
    assert (one.line, one.code, one.fragment) == (3, "x = 1\n\ny = x", None)
    assert (two.code, two.fragment) == ("z = undefined", "a shape, not a program")
