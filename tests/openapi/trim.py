"""Trim the upstream OpenAI OpenAPI document to the operations used by the tests.

Usage::

    python tests/openapi/trim.py SRC.yaml OUT.json

The script keeps only the operations in :data:`KEEP`, removes documentation
(``description``, ``summary``, ``title``, ``example``/``examples``, ``tags``)
and all ``x-*`` extensions, and then keeps exactly the components reachable
by ``$ref`` (and discriminator mappings) from the kept operations and from the
schemas that the spec drift test maps the package's dataclasses to
(``tests/spec_map.py``, read by :func:`mapped_schemas`).

A few OpenAPI 3.0 / JSON Schema 2019-09 leftovers in the upstream document are
rewritten so that a JSON Schema 2020-12 validator reads them as intended:

* ``nullable: true`` on a schema ``S`` becomes ``{"anyOf": [S, {"type":
  "null"}]}``; ``nullable: false`` is dropped;
* boolean ``exclusiveMinimum``/``exclusiveMaximum`` are folded into the
  numeric 2020-12 form (``minimum: 0, exclusiveMinimum: true`` becomes
  ``exclusiveMinimum: 0``);
* ``$recursiveRef: "#"`` inside a component schema becomes a ``$ref`` to that
  component, and ``$recursiveAnchor`` is dropped.

``discriminator`` is kept; JSON Schema validators ignore it.

The output is deterministic (sorted keys).  PyYAML is needed to run it.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

#: The operations that are kept, as ``(path, method)`` pairs.
KEEP: tuple[tuple[str, str], ...] = (
    ("/chat/completions", "post"),
    ("/chat/completions", "get"),
    ("/chat/completions/{completion_id}", "get"),
    ("/chat/completions/{completion_id}", "post"),
    ("/chat/completions/{completion_id}", "delete"),
    ("/chat/completions/{completion_id}/messages", "get"),
    ("/completions", "post"),
    ("/embeddings", "post"),
    ("/moderations", "post"),
    ("/images/generations", "post"),
    ("/images/edits", "post"),
    ("/images/variations", "post"),
    ("/audio/transcriptions", "post"),
    ("/audio/translations", "post"),
    ("/audio/speech", "post"),
    ("/files", "get"),
    ("/files", "post"),
    ("/files/{file_id}", "get"),
    ("/files/{file_id}", "delete"),
    ("/files/{file_id}/content", "get"),
    ("/fine_tuning/jobs", "get"),
    ("/fine_tuning/jobs", "post"),
    ("/fine_tuning/jobs/{fine_tuning_job_id}", "get"),
    ("/fine_tuning/jobs/{fine_tuning_job_id}/cancel", "post"),
    ("/fine_tuning/jobs/{fine_tuning_job_id}/checkpoints", "get"),
    ("/fine_tuning/jobs/{fine_tuning_job_id}/events", "get"),
    ("/fine_tuning/jobs/{fine_tuning_job_id}/pause", "post"),
    ("/fine_tuning/jobs/{fine_tuning_job_id}/resume", "post"),
    ("/models", "get"),
    ("/models/{model}", "get"),
    ("/models/{model}", "delete"),
    ("/batches", "post"),
    ("/batches", "get"),
    ("/batches/{batch_id}", "get"),
    ("/batches/{batch_id}/cancel", "post"),
    ("/uploads", "post"),
    ("/uploads/{upload_id}/parts", "post"),
    ("/uploads/{upload_id}/complete", "post"),
    ("/uploads/{upload_id}/cancel", "post"),
    ("/responses", "post"),
    ("/responses/{response_id}", "get"),
    ("/responses/{response_id}", "delete"),
    ("/responses/{response_id}/cancel", "post"),
    ("/responses/{response_id}/input_items", "get"),
    ("/responses/input_tokens", "post"),
    ("/responses/compact", "post"),
    ("/conversations", "post"),
    ("/conversations/{conversation_id}", "get"),
    ("/conversations/{conversation_id}", "post"),
    ("/conversations/{conversation_id}", "delete"),
    ("/conversations/{conversation_id}/items", "post"),
    ("/conversations/{conversation_id}/items", "get"),
    ("/conversations/{conversation_id}/items/{item_id}", "get"),
    ("/conversations/{conversation_id}/items/{item_id}", "delete"),
    ("/evals", "post"),
    ("/evals", "get"),
    ("/evals/{eval_id}", "get"),
    ("/evals/{eval_id}", "post"),
    ("/evals/{eval_id}", "delete"),
    ("/evals/{eval_id}/runs", "post"),
    ("/evals/{eval_id}/runs", "get"),
    ("/evals/{eval_id}/runs/{run_id}", "get"),
    ("/evals/{eval_id}/runs/{run_id}", "post"),
    ("/evals/{eval_id}/runs/{run_id}", "delete"),
    ("/evals/{eval_id}/runs/{run_id}/output_items", "get"),
    ("/evals/{eval_id}/runs/{run_id}/output_items/{output_item_id}", "get"),
    ("/realtime/client_secrets", "post"),
    ("/realtime/calls/{call_id}/accept", "post"),
    ("/realtime/calls/{call_id}/reject", "post"),
    ("/realtime/calls/{call_id}/hangup", "post"),
    ("/realtime/calls/{call_id}/refer", "post"),
    ("/fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions", "post"),
    ("/fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions", "get"),
    ("/fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions/{permission_id}", "delete"),
    ("/vector_stores", "get"),
    ("/vector_stores", "post"),
    ("/vector_stores/{vector_store_id}", "get"),
    ("/vector_stores/{vector_store_id}", "post"),
    ("/vector_stores/{vector_store_id}", "delete"),
    ("/vector_stores/{vector_store_id}/search", "post"),
    ("/vector_stores/{vector_store_id}/files", "get"),
    ("/vector_stores/{vector_store_id}/files", "post"),
    ("/vector_stores/{vector_store_id}/files/{file_id}", "get"),
    ("/vector_stores/{vector_store_id}/files/{file_id}", "post"),
    ("/vector_stores/{vector_store_id}/files/{file_id}", "delete"),
    ("/vector_stores/{vector_store_id}/files/{file_id}/content", "get"),
    ("/vector_stores/{vector_store_id}/file_batches", "post"),
    ("/vector_stores/{vector_store_id}/file_batches/{batch_id}", "get"),
    ("/vector_stores/{vector_store_id}/file_batches/{batch_id}/cancel", "post"),
    ("/vector_stores/{vector_store_id}/file_batches/{batch_id}/files", "get"),
    ("/containers", "get"),
    ("/containers", "post"),
    ("/containers/{container_id}", "get"),
    ("/containers/{container_id}", "delete"),
    ("/containers/{container_id}/files", "get"),
    ("/containers/{container_id}/files", "post"),
    ("/containers/{container_id}/files/{file_id}", "get"),
    ("/containers/{container_id}/files/{file_id}", "delete"),
    ("/containers/{container_id}/files/{file_id}/content", "get"),
)

#: The module that maps the package's dataclasses to schemas.
SPEC_MAP = Path(__file__).resolve().parent.parent / "spec_map.py"


def mapped_schemas() -> tuple[str, ...]:
    """Return the names of the schemas that ``tests/spec_map.py`` maps classes to."""
    found = importlib.util.spec_from_file_location("spec_map", SPEC_MAP)
    assert found is not None and found.loader is not None
    module = importlib.util.module_from_spec(found)
    found.loader.exec_module(module)
    names: set[str] = set()
    for target in module.MODELS.values():
        for schema in (target,) if isinstance(target, str) else target:
            if " " not in schema:  # not "METHOD /path", whose operation is in KEEP
                names.add(schema.split("/", 1)[0])
    return tuple(sorted(names))


#: Keys removed from every OpenAPI / JSON Schema object (besides ``x-*``).
NOISE = frozenset(
    {"description", "summary", "title", "example", "examples", "tags", "externalDocs"}
)

#: Keys whose value maps user-chosen names to objects; the names are kept.
NAME_MAPS = frozenset(
    {
        "properties",
        "patternProperties",
        "$defs",
        "definitions",
        "dependentSchemas",
        "schemas",
        "responses",
        "parameters",
        "requestBodies",
        "headers",
        "content",
        "encoding",
        "links",
        "callbacks",
        "paths",
    }
)

#: Keys whose value is instance data, copied as is.
DATA_KEYS = frozenset({"enum", "const", "default", "required", "mapping"})

#: Component sections that may be the target of a ``$ref``.
REF_PREFIX = "#/components/"


_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc,unused-ignore]
    """A safe (C-accelerated if possible) loader that keeps dates as strings."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def clean(node: Any, in_name_map: bool = False) -> Any:
    """Return a copy of *node* without documentation and extensions.

    :param node: part of the OpenAPI document.
    :param in_name_map: true when the keys of *node* are names, not keywords.
    """
    if isinstance(node, list):
        return [clean(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        key = str(key)
        if in_name_map:
            out[key] = clean(value)
            continue
        if key in NOISE or key.startswith("x-"):
            continue
        if key == "required" and isinstance(value, list):
            out[key] = list(dict.fromkeys(value))  # the document repeats some names
        elif key in DATA_KEYS:
            out[key] = value
        else:
            out[key] = clean(value, in_name_map=key in NAME_MAPS)
    return modernize(out)


def modernize(schema: dict[str, Any]) -> dict[str, Any]:
    """Rewrite OpenAPI 3.0 ``nullable`` and boolean exclusive bounds in place."""
    for exclusive, bound in (
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ):
        flag = schema.get(exclusive)
        if isinstance(flag, bool):
            del schema[exclusive]
            if flag and bound in schema:
                schema[exclusive] = schema.pop(bound)
    nullable = schema.pop("nullable", False)
    if nullable is True:
        return {"anyOf": [schema, {"type": "null"}]}
    return schema


def fix_recursive_refs(node: Any, self_ref: str) -> Any:
    """Replace ``$recursiveRef: "#"`` by ``$ref: self_ref`` throughout *node*."""
    if isinstance(node, list):
        return [fix_recursive_refs(item, self_ref) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$recursiveAnchor":
            continue
        if key == "$recursiveRef":
            if value != "#":
                raise ValueError(f"unsupported $recursiveRef: {value!r}")
            out["$ref"] = self_ref
        elif key in DATA_KEYS and key != "mapping":
            out[key] = value
        else:
            out[key] = fix_recursive_refs(value, self_ref)
    return out


def iter_refs(node: Any) -> Iterator[str]:
    """Yield every ``$ref`` target and discriminator mapping target in *node*."""
    if isinstance(node, list):
        for item in node:
            yield from iter_refs(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            elif key == "discriminator" and isinstance(value, dict):
                yield from (
                    v for v in value.get("mapping", {}).values() if isinstance(v, str)
                )
            elif key not in DATA_KEYS:
                yield from iter_refs(value)


def _component(components: dict[str, Any], ref: str) -> tuple[str, str, Any]:
    if not ref.startswith(REF_PREFIX):
        raise ValueError(f"unsupported $ref: {ref!r}")
    parts = ref[len(REF_PREFIX) :].split("/")
    if len(parts) != 2:
        raise ValueError(f"unsupported $ref: {ref!r}")
    section, name = parts
    try:
        return section, name, components[section][name]
    except KeyError:
        raise ValueError(f"dangling $ref: {ref!r}") from None


def trim(
    spec: dict[str, Any],
    keep: tuple[tuple[str, str], ...] = KEEP,
    schemas: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Return the trimmed document for the operations in *keep* and the named *schemas*."""
    paths: dict[str, dict[str, Any]] = {}
    for path, method in keep:
        item = spec["paths"][path]
        operation = dict(item[method])
        shared = item.get("parameters")
        if shared:
            operation["parameters"] = list(shared) + list(
                operation.get("parameters", [])
            )
        paths.setdefault(path, {})[method] = clean(operation)

    components: dict[str, dict[str, Any]] = {}
    pending: list[str] = sorted(set(iter_refs(paths)) | {REF_PREFIX + "schemas/" + name for name in schemas})
    seen: set[str] = set()
    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        seen.add(ref)
        section, name, raw = _component(spec["components"], ref)
        value = clean(fix_recursive_refs(raw, ref))
        components.setdefault(section, {})[name] = value
        pending.extend(r for r in iter_refs(value) if r not in seen)

    info: dict[str, Any] = spec["info"]
    out: dict[str, Any] = {
        "openapi": spec["openapi"],
        "info": {
            "title": info.get("title"),
            "version": info.get("version"),
            "license": info.get("license"),
        },
        "servers": [{"url": server["url"]} for server in spec.get("servers", [])],
        "paths": paths,
        "components": components,
    }
    return out


def dumps(value: Any, depth: int = 0, indent_levels: int = 3) -> str:
    """Serialize *value* as sorted JSON, one line per entry of the top levels."""
    if depth >= indent_levels or not isinstance(value, dict) or not value:
        return json.dumps(
            value, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
    pad = " " * (depth + 1)
    items = [
        f"{pad}{json.dumps(key)}: {dumps(value[key], depth + 1, indent_levels)}"
        for key in sorted(value)
    ]
    return "{\n" + ",\n".join(items) + "\n" + " " * depth + "}"


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        sys.stderr.write("usage: python trim.py SRC.yaml OUT.json\n")
        return 2
    src, dest = args
    with open(src, encoding="utf-8") as fh:
        spec = yaml.load(fh, Loader=_Loader)
    trimmed = trim(spec, schemas=mapped_schemas())
    with open(dest, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(dumps(trimmed))
        fh.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
