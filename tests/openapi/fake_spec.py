"""Derive the request schemas that FakeOpenAI checks requests against.

Usage::

    python tests/openapi/fake_spec.py SRC.yaml openai_lite/testing/_spec.json

The output keeps, for every operation that a built-in route of
:class:`openai_lite.testing.FakeOpenAI` serves, only what describes the request
(parameters and request body), cleaned as :mod:`trim` cleans the trimmed
document, and the components reachable from them. Regenerate it after adding a
route module. The upstream LICENSE is copied next to the output, which must
ship with it.

PyYAML is needed to run it.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import trim  # noqa: E402

REQUEST_KEYS = ("operationId", "parameters", "requestBody")


def _shape(template: str) -> str:
    """The template with every placeholder written ``{}``."""
    return re.sub(r"\{[^{}/]+\}", "{}", template)


def served_operations(spec: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The ``(path, method)`` pairs of *spec* that the built-in routes serve."""
    from openai_lite.testing import _server

    by_shape = {_shape(path): path for path in spec["paths"]}
    found = set()
    for route in _server._BUILTIN_ROUTES:
        path = by_shape.get(_shape(route.pattern))
        method = route.method.lower()
        if path is None or method not in spec["paths"][path]:
            sys.stderr.write(f"not in the spec, left unchecked: {route.method} {route.pattern}\n")
            continue
        found.add((path, method))
    return tuple(sorted(found))


def derive(spec: dict[str, Any]) -> dict[str, Any]:
    """Return the request-only document for the served operations."""
    keep = served_operations(spec)
    stripped = dict(spec)
    stripped["paths"] = {
        path: {
            method: {k: v for k, v in item[method].items() if k in REQUEST_KEYS}
            for method in ("get", "post", "delete", "put", "patch")
            if method in item
        }
        for path, item in spec["paths"].items()
        if any(p == path for p, _ in keep)
    }
    for path, item in spec["paths"].items():
        if "parameters" in item and path in stripped["paths"]:
            stripped["paths"][path]["parameters"] = item["parameters"]
    out = trim.trim(stripped, keep)
    return {"info": out["info"], "paths": out["paths"], "components": out["components"]}


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        sys.stderr.write("usage: python fake_spec.py SRC.yaml OUT.json\n")
        return 2
    src, dest = args
    with open(src, encoding="utf-8") as fh:
        spec = yaml.load(fh, Loader=trim._Loader)
    with open(dest, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(trim.dumps(derive(spec), indent_levels=2))
        fh.write("\n")
    shutil.copyfile(HERE / "LICENSE", Path(dest).with_name("_spec.LICENSE"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
