"""The spec drift test: what the spec has, the package has (or says why not).

Each response dataclass is mapped to its schema, and each resource function to its
operation, in ``spec_map.py``. A field of a mapped schema that its class does not declare,
or a body or query parameter of an operation that its function does not take, fails the
test unless ``spec_map.ALLOWED`` names it with a reason. Every public dataclass and
resource function of the package must be mapped or excluded, so new ones are checked too.
The other way round, a field or parameter that the spec does not know (a misspelt name)
fails unless ``spec_map.UNKNOWN_TO_SPEC`` names it.

To follow a newer spec: regenerate the trimmed document (``tests/openapi/trim.py``), rerun
this test, and add what it finds (or allow it, with a reason).
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import sys
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Set, Tuple

import pytest
import spec_map
from conformance import load_spec

import openai_lite
from openai_lite._model import Model

# -- the package ------------------------------------------------------------------------


def _modules() -> Iterator[Any]:
    for info in pkgutil.iter_modules(openai_lite.__path__):
        if not info.name.startswith("_") and info.name != "testing":
            yield importlib.import_module(f"openai_lite.{info.name}")


def _short(module: Any, name: str) -> str:
    return module.__name__[len("openai_lite.") :] + "." + name


def public_models() -> Dict[str, type]:
    """Every public Model subclass, by ``module.Class`` where it is defined."""
    found: Dict[str, type] = {}
    for module in _modules():
        for name, value in vars(module).items():
            if (
                not name.startswith("_")
                and isinstance(value, type)
                and issubclass(value, Model)
                and value.__module__ == module.__name__
            ):
                found[_short(module, name)] = value
    return found


def public_functions() -> Dict[str, Callable[..., Any]]:
    """Every function in a module's ``__all__``, by ``module.function`` where it is defined."""
    found: Dict[str, Callable[..., Any]] = {}
    for module in _modules():
        for name in getattr(module, "__all__", ()):
            value = getattr(module, name, None)
            if inspect.isfunction(value) and value.__module__ == module.__name__:
                found[_short(module, name)] = value
    return found


def json_fields(cls: type) -> Set[str]:
    """The JSON keys a dataclass declares."""
    keys: Set[str] = set()
    for field in dataclasses.fields(cls):
        rename = field.metadata.get("dataclasses_json", {}).get("letter_case")
        keys.add(rename(field.name) if rename else field.name)
    return keys


def parameters(function: Callable[..., Any], name: str) -> Set[str]:
    """The API parameters function *name* takes: its named parameters but the session, under
    the API's names."""
    renamed = spec_map.RENAMED.get(name, {})
    return {
        renamed.get(p.name, p.name)
        for p in inspect.signature(function).parameters.values()
        if p.kind is not p.VAR_KEYWORD and p.name != "session" and p.name not in spec_map.CLIENT_PARAMETERS
    }


# -- the spec ---------------------------------------------------------------------------


def _deref(node: Any) -> Any:
    schemas = load_spec()["components"]["schemas"]
    while isinstance(node, dict) and "$ref" in node:
        node = schemas[node["$ref"].rsplit("/", 1)[1]]
    return node


def properties(node: Any) -> Dict[str, Any]:
    """The properties of a schema, merged through ``$ref``, ``allOf``, ``anyOf`` and ``oneOf``.

    A name that the schema requires without describing it is a property too (as ``{}``).
    """
    node = _deref(node)
    found: Dict[str, Any] = {}
    if not isinstance(node, dict):
        return found
    for key in ("allOf", "anyOf", "oneOf"):
        for member in node.get(key, ()):
            for name, schema in properties(member).items():
                if schema or name not in found:  # a described name is not undone by a bare one
                    found[name] = schema
    found.update(node.get("properties", {}))
    for name in node.get("required", ()):
        found.setdefault(name, {})
    return found


def deprecated(node: Any) -> bool:
    """Tell whether the spec marks a property deprecated (itself, or its non-null member)."""
    node = _deref(node)
    if not isinstance(node, dict):
        return False
    members = [*node.get("anyOf", ()), *node.get("oneOf", ())]
    members += [_deref(m) for m in members]  # {"$ref": ..., "deprecated": true}, or deprecated there
    return node.get("deprecated") is True or any(
        isinstance(m, dict) and m.get("deprecated") is True for m in members
    )


def _items(node: Any) -> Any:
    node = _deref(node)
    if "items" in node:
        return node["items"]
    for key in ("anyOf", "oneOf", "allOf"):
        for member in node.get(key, ()):
            member = _deref(member)
            if isinstance(member, dict) and (member.get("type") == "array" or "items" in member):
                return _items(member)
    raise LookupError("not an array")


def schema_at(path: str) -> Any:
    """Resolve ``Schema/prop/[]/...`` or ``METHOD /path`` (see ``spec_map``)."""
    method, _, template = path.partition(" ")
    if template:
        operation = load_spec()["paths"].get(template, {}).get(method.lower())
        assert operation is not None, f"{path} is not in the trimmed spec: add it to KEEP in trim.py"
        return operation["responses"]["200"]["content"]["application/json"]["schema"]
    name, *steps = path.split("/")
    schemas = load_spec()["components"]["schemas"]
    assert name in schemas, f"{name} is not in the trimmed spec: regenerate it (tests/openapi/trim.py)"
    node: Any = schemas[name]
    for step in steps:
        found = properties(node)
        assert step == "[]" or step in found, f"{path}: the spec has no {step!r} there"
        node = _items(node) if step == "[]" else found[step]
    return node


def operation_parameters(
    method: str, path: str, media_type: str = "", *, with_deprecated: bool = False
) -> Tuple[Set[str], Set[str]]:
    """The path parameters, and the body and query parameters (the deprecated ones only
    *with_deprecated*), of an operation."""
    operation = load_spec()["paths"].get(path, {}).get(method.lower())
    assert operation is not None, f"{method} {path} is not in the trimmed spec: add it to KEEP in trim.py"
    definition: Mapping[str, Any] = operation
    in_path: Set[str] = set()
    other: Set[str] = set()
    for param in definition.get("parameters", ()):
        param = _deref(param)
        if param["in"] == "path":
            in_path.add(param["name"])
        elif with_deprecated or not (param.get("deprecated") or deprecated(param.get("schema"))):
            other.add(param["name"])
    body = _deref(definition.get("requestBody"))
    if body:
        content = body["content"]
        media = media_type or next(t for t in ("application/json", "multipart/form-data") if t in content)
        fields = properties(content[media]["schema"]).items()
        other |= {k for k, v in fields if with_deprecated or not deprecated(v)}
    return in_path, other


# -- the checks ----------------------------------------------------------------------------


def _targets(value: Any) -> Tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def test_every_public_model_is_mapped_or_excluded() -> None:
    found = set(public_models())
    unmapped = sorted(found - set(spec_map.MODELS) - set(spec_map.MODELS_EXCLUDED))
    assert not unmapped, f"map these classes to their schema in tests/spec_map.py: {unmapped}"
    gone = sorted((set(spec_map.MODELS) | set(spec_map.MODELS_EXCLUDED)) - found)
    assert not gone, f"spec_map.py names classes that are not (or no longer) public: {gone}"
    both = sorted(set(spec_map.MODELS) & set(spec_map.MODELS_EXCLUDED))
    assert not both, f"mapped and excluded: {both}"


def test_every_public_function_is_mapped_or_excluded() -> None:
    found = set(public_functions())
    unmapped = sorted(found - set(spec_map.FUNCTIONS) - set(spec_map.FUNCTIONS_EXCLUDED))
    assert not unmapped, f"map these functions to their operation in tests/spec_map.py: {unmapped}"
    gone = sorted((set(spec_map.FUNCTIONS) | set(spec_map.FUNCTIONS_EXCLUDED)) - found)
    assert not gone, f"spec_map.py names functions that are not (or no longer) public: {gone}"
    named = set(spec_map.STREAMS) | set(spec_map.SENT) | set(spec_map.RENAMED)
    named |= {twin for twins in spec_map.STREAMS.values() for twin in twins}
    unknown = sorted(named - set(spec_map.FUNCTIONS))
    assert not unknown, f"STREAMS, SENT or RENAMED name functions that FUNCTIONS does not map: {unknown}"


def model_drift() -> List[str]:
    """``module.Class.field`` for every field of a mapped schema that its class lacks."""
    classes = public_models()
    missing: List[str] = []
    for name, target in sorted(spec_map.MODELS.items()):
        declared = json_fields(classes[name])
        for path in _targets(target):
            fields = properties(schema_at(path)).items()
            missing += [f"{name}.{key}" for key, v in fields if key not in declared and not deprecated(v)]
    return sorted(set(missing))


def function_drift() -> List[str]:
    """``module.function(parameter)`` for every parameter of an operation its function lacks."""
    functions = public_functions()
    covered: Dict[str, Set[str]] = {}  # what a function need not take
    for name, sent in spec_map.SENT.items():
        covered.setdefault(name, set()).update(sent)
    for streaming, twins in spec_map.STREAMS.items():
        by_stream = parameters(functions[streaming], streaming) | set(spec_map.SENT.get(streaming, ()))
        for twin in twins:
            covered.setdefault(twin, set()).update(by_stream & spec_map.STREAM_PARAMETERS)
    missing: List[str] = []
    for name, (method, path, *media) in sorted(spec_map.FUNCTIONS.items()):
        taken = parameters(functions[name], name) | covered.get(name, set())
        in_path, other = operation_parameters(method, path, *media)
        missing += [f"{name}({param})" for param in sorted(in_path | other) if param not in taken]
    return missing


@pytest.mark.parametrize("name", sorted(spec_map.MODELS))
def test_mapped_schema_exists(name: str) -> None:
    for path in _targets(spec_map.MODELS[name]):
        assert properties(schema_at(path)), f"{path}: no properties (regenerate the trimmed spec?)"


@pytest.mark.parametrize("name", sorted(spec_map.FUNCTIONS))
def test_mapped_operation_exists(name: str) -> None:
    method, path, *media = spec_map.FUNCTIONS[name]
    in_path, _ = operation_parameters(method, path, *media)
    taken = parameters(public_functions()[name], name)
    assert in_path <= taken, f"{name} does not take the path parameters {sorted(in_path - taken)}"


def test_stream_twins_share_their_operation() -> None:
    for streaming, twins in spec_map.STREAMS.items():
        for twin in twins:
            assert spec_map.FUNCTIONS[twin][:2] == spec_map.FUNCTIONS[streaming][:2], (streaming, twin)


def test_spec_has_no_field_the_classes_lack() -> None:
    missing = [key for key in model_drift() if key not in spec_map.ALLOWED]
    assert not missing, f"fields of the spec that the classes lack (add them, or allow them): {missing}"


def test_spec_has_no_parameter_the_functions_lack() -> None:
    missing = [key for key in function_drift() if key not in spec_map.ALLOWED]
    assert not missing, f"parameters of the spec that the functions lack (add them, or allow them): {missing}"


def unknown_to_spec() -> List[str]:
    """``module.Class.field`` and ``module.function(parameter)`` that the spec does not know."""
    classes, functions = public_models(), public_functions()
    unknown: List[str] = []
    for name, target in sorted(spec_map.MODELS.items()):
        known = {key for path in _targets(target) for key in properties(schema_at(path))}
        unknown += [f"{name}.{key}" for key in sorted(json_fields(classes[name]) - known)]
    for name, (method, path, *media) in sorted(spec_map.FUNCTIONS.items()):
        in_path, other = operation_parameters(method, path, *media, with_deprecated=True)
        taken = parameters(functions[name], name)
        unknown += [f"{name}({param})" for param in sorted(taken - in_path - other)]
    return unknown


def test_code_has_no_field_or_parameter_the_spec_lacks() -> None:
    unknown = [key for key in unknown_to_spec() if key not in spec_map.UNKNOWN_TO_SPEC]
    assert not unknown, f"not in the spec (a misspelt name?): {unknown}"


def test_allow_list_is_current() -> None:
    stale = sorted(set(spec_map.ALLOWED) - set(model_drift()) - set(function_drift()))
    assert not stale, f"allowed, but no longer missing (remove from spec_map.ALLOWED): {stale}"
    assert all(reason.strip() for reason in spec_map.ALLOWED.values())
    stale = sorted(set(spec_map.UNKNOWN_TO_SPEC) - set(unknown_to_spec()))
    assert not stale, f"known to the spec now (remove from spec_map.UNKNOWN_TO_SPEC): {stale}"


# -- the checks find drift ---------------------------------------------------------------------


@dataclasses.dataclass
class _OldModel(Model):
    id: str
    created: Optional[int] = None
    object: str = "model"
    owned: Optional[str] = None


def _old_embeddings(session: Any, *, model: str, input: str, **options: Any) -> None:
    """A create function that takes fewer parameters than the operation."""


def test_a_field_or_parameter_the_code_lacks_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    module = sys.modules[__name__]
    monkeypatch.setattr(spec_map, "MODELS", {"models.OpenAIModel": "Model"})
    monkeypatch.setattr(spec_map, "FUNCTIONS", {"embeddings.create": ("POST", "/embeddings")})
    monkeypatch.setattr(spec_map, "STREAMS", {})
    monkeypatch.setattr(module, "public_models", lambda: {"models.OpenAIModel": _OldModel})
    monkeypatch.setattr(module, "public_functions", lambda: {"embeddings.create": _old_embeddings})

    assert model_drift() == ["models.OpenAIModel.owned_by", "models.OpenAIModel.shutdown_date"]
    assert function_drift() == [
        "embeddings.create(dimensions)",
        "embeddings.create(encoding_format)",
        "embeddings.create(user)",
    ]
    assert unknown_to_spec() == ["models.OpenAIModel.owned"]


def test_a_name_the_schema_requires_is_a_property_though_undescribed() -> None:
    described = {"type": "string", "deprecated": True}
    schema = {
        "allOf": [{"properties": {"kind": described}}, {"required": ["kind"]}],
        "properties": {"id": {"type": "string"}},
        "required": ["id", "call_id"],
    }

    assert properties(schema) == {"kind": described, "id": {"type": "string"}, "call_id": {}}
    assert deprecated(properties(schema)["kind"]) and not deprecated(properties(schema)["call_id"])
