"""Check a request against the API's own request schemas, as the service does.

The schemas are a derived copy of the official OpenAPI document (``_spec.json``, under the
MIT notice in ``_spec.LICENSE``), regenerated with ``tests/openapi/fake_spec.py``. The check is
a small subset of JSON Schema: types, ``enum``/``const``, required and unknown properties,
``anyOf``/``oneOf``/``allOf``, numeric bounds and array and string lengths. An object schema
that lists ``properties`` is closed unless it says ``additionalProperties``. Query parameters
and multipart fields are text: each is read as the type its schema asks for.
"""

from __future__ import annotations

import json
import math
import operator
import os
import re
from functools import lru_cache
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

from ._replies import ApiError
from ._wire import RecordedRequest, media_type

__all__ = ["check_request", "find_operation"]

_SPEC_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_spec.json")
_FORM_NAME = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "array": "an array",
    "object": "an object",
    "null": "null",
}
_MULTIPART = "multipart/form-data"
#: Query parameters of an Azure OpenAI deployment, which serves the same operations.
_DEPLOYMENT_QUERY = ("api-version",)
_JSON = "application/json"

Schema = Mapping[str, Any]


class _Problem(Exception):
    """The first thing found wrong with a request."""

    def __init__(self, param: Optional[str], message: str, code: Optional[str]) -> None:
        super().__init__(message)
        self.param = param
        self.message = message
        self.code = code
        #: How deep into the value the problem is: the most telling alternative goes deepest.
        self.depth = 0 if param is None else param.count(".") + param.count("[") + 1

    def error(self) -> ApiError:
        return ApiError(400, self.message, param=self.param, code=self.code)


@lru_cache(maxsize=1)
def _spec() -> Dict[str, Any]:
    with open(_SPEC_FILE, encoding="utf-8") as fh:
        loaded: Dict[str, Any] = json.load(fh)
    return loaded


class Operation:
    """The request side of one operation: its parameters and its body schemas."""

    def __init__(self, method: str, template: str, definition: Mapping[str, Any]) -> None:
        self.method = method
        self.template = template
        pieces = re.split(r"\{\w+\}", template)
        self.regex = re.compile("^" + "[^/]+".join(re.escape(p) for p in pieces) + "$")
        self.query: Dict[str, Mapping[str, Any]] = {}
        self.headers: Dict[str, Mapping[str, Any]] = {}
        for param in definition.get("parameters", ()):
            param = _deref(param)
            if param.get("in") == "query":
                self.query[param["name"]] = param
            elif param.get("in") == "header":
                self.headers[param["name"].lower()] = param
        body = _deref(definition.get("requestBody") or {})
        self.body_required = bool(body.get("required"))
        self.content: Dict[str, Schema] = {
            media: entry.get("schema", {}) for media, entry in body.get("content", {}).items()
        }

    def __repr__(self) -> str:
        return f"<Operation {self.method} {self.template}>"


@lru_cache(maxsize=1)
def _operations() -> Tuple[Operation, ...]:
    found = [
        Operation(method.upper(), template, definition)
        for template, item in _spec()["paths"].items()
        for method, definition in item.items()
        if method != "parameters"
    ]
    # Fixed segments win over placeholders: /files/{id}/content before /files/{id}.
    found.sort(key=lambda op: -sum(1 for s in op.template.split("/") if s and "{" not in s))
    return tuple(found)


def find_operation(method: str, route_path: str) -> Optional[Operation]:
    """The operation that *method* and *route_path* (prefix excluded) call, if known."""
    for op in _operations():
        if op.method == method and op.regex.match(route_path):
            return op
    return None


def check_request(request: RecordedRequest) -> Optional[ApiError]:
    """Return the 400 error the API answers *request* with, or None if it is well formed.

    A request whose path and method the schemas do not know is not checked.
    """
    op = find_operation(request.method, request.route_path)
    if op is None:
        return None
    try:
        _check_query(op, request.query)
        _check_headers(op, request)
        _check_body(op, request)
    except _Problem as problem:
        return problem.error()
    return None


# -- query, headers, bodies ----------------------------------------------------------


def _check_query(op: Operation, query: Mapping[str, List[str]]) -> None:
    values: Dict[str, Any] = {}
    for raw_name, items in query.items():
        if raw_name in _DEPLOYMENT_QUERY:
            continue
        parsed = _FORM_NAME.match(raw_name)
        base = parsed.group(1) if parsed else raw_name
        if base not in op.query:
            raise _unknown(raw_name)
        schema = op.query[base].get("schema", {})
        keys = re.findall(r"\[([^\[\]]*)\]", parsed.group(2)) if parsed else []
        _put_text(values, base, keys, items, schema)
    for name, param in op.query.items():
        if param.get("required") and name not in values:
            raise _missing(name)
    for name, value in values.items():
        _check(op.query[name].get("schema", {}), value, name)


def _check_headers(op: Operation, request: RecordedRequest) -> None:
    for name, param in op.headers.items():
        raw = request.headers.get(name)
        if raw is None:
            if param.get("required"):
                raise _missing(name)
            continue
        schema = param.get("schema", {})
        items = [v.strip() for v in raw.split(",")] if _accepts(schema, "array") else [raw]
        value = _from_text(schema, items, name)
        _check(schema, value, name)


def _check_body(op: Operation, request: RecordedRequest) -> None:
    mtype = media_type(request.headers.get("Content-Type"))
    if not op.content:
        if request.body and not (mtype == _JSON and request.json == {}):
            body = request.json if isinstance(request.json, dict) else {}
            for name in body:
                raise _unknown(name)
            raise _Problem(None, f"{op.method} {op.template} takes no request body.", None)
        return
    if not request.body:
        if not op.body_required:
            return
        schema = op.content.get(_JSON) or next(iter(op.content.values()))
        _check(schema, {}, None)
        return
    if mtype == _MULTIPART and _MULTIPART in op.content:
        _check(op.content[_MULTIPART], _form_value(op.content[_MULTIPART], request), None)
    elif (mtype == _JSON or mtype.endswith("+json")) and _JSON in op.content:
        if request.json is None:
            raise _Problem(
                None,
                "We could not parse the JSON body of your request. (HINT: This likely means "
                "you aren't using your HTTP library correctly. The OpenAI API expects a JSON "
                "payload, but what was sent was not valid JSON.)",
                None,
            )
        _check(op.content[_JSON], request.json, None)
    else:
        wanted = " or ".join(sorted(op.content))
        raise _Problem(
            None,
            f"Invalid Content-Type header ({mtype or 'none'}), expected {wanted}.",
            "invalid_content_type",
        )


def _form_value(schema: Schema, request: RecordedRequest) -> Dict[str, Any]:
    """The multipart body as the JSON object it stands for; a file becomes a marker."""
    properties = _properties(schema)[0]
    values: Dict[str, Any] = {}
    grouped: Dict[str, List[Any]] = {}
    for part in request.parts:
        grouped.setdefault(part.name, []).append(_FILE if part.filename is not None else part.text)
    for raw_name, items in grouped.items():
        parsed = _FORM_NAME.match(raw_name)
        if parsed is None or parsed.group(1) not in properties:
            if _closed(schema):
                raise _unknown(raw_name)
            continue
        base = parsed.group(1)
        keys = re.findall(r"\[([^\[\]]*)\]", parsed.group(2))
        _put_text(values, base, keys, items, properties[base])
    return values


class _FileMarker:
    def __repr__(self) -> str:
        return "<file>"


_FILE = _FileMarker()


def _put_text(
    values: Dict[str, Any], base: str, keys: Sequence[str], items: List[Any], schema: Schema
) -> None:
    """Store text *items* sent as ``base[key]...`` into *values*, read as *schema* asks."""
    name = base + "".join(f"[{k}]" for k in keys)
    if not keys:
        values[base] = _from_text(schema, items, name)
        return
    if keys == [""]:
        values.setdefault(base, [])
        if not isinstance(values[base], list):
            raise _Problem(name, f"Invalid value for '{name}': sent both as one value and as a list.",
                           "invalid_value")
        item_schema = _items(schema) or {}
        values[base].extend(_from_text(item_schema, [i], name) for i in items)
        return
    target = values.setdefault(base, {})
    if not isinstance(target, dict):
        raise _Problem(name, f"Invalid value for '{name}': sent both as one value and as an object.",
                       "invalid_value")
    sub = _member(schema, keys[0]) or {}
    _put_text(target, keys[0], keys[1:], items, sub)


def _member(schema: Schema, key: str) -> Optional[Schema]:
    """The schema of property *key* in *schema* or in any of its alternatives."""
    found = _properties(schema)[0].get(key) or _additional(schema)
    if found is not None:
        return _deref(found)  # type: ignore[no-any-return]
    for part in _parts(schema):
        for alt in _alternatives(part):
            found = _member(alt, key)
            if found is not None:
                return found
    return None


def _from_text(schema: Schema, items: List[Any], name: str) -> Any:
    """Read form or query text as the JSON value *schema* expects."""
    if len(items) > 1 or (_accepts(schema, "array") and not _accepts(schema, "string")):
        inner = _items(schema) or {}
        return [_from_text(inner, [item], name) for item in items]
    text = items[0]
    types = _types(schema)
    if text is _FILE or not types or "string" in types:
        return text
    for kind, read in (("integer", _read_int), ("number", _read_float), ("boolean", _read_bool)):
        if kind in types:
            value = read(text)
            if value is not None:
                return value
    scalar = [t for t in ("integer", "number", "boolean") if t in types]
    if scalar:
        expected = " or ".join(_TYPE_WORDS[t] for t in scalar)
        raise _Problem(
            name,
            f"Invalid type for '{name}': expected {expected}, but got {text!r} instead.",
            "invalid_type",
        )
    if "object" in types or "array" in types:
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def _read_int(text: str) -> Optional[int]:
    return int(text) if re.fullmatch(r"-?\d+", text.strip()) else None


def _read_float(text: str) -> Optional[float]:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _read_bool(text: str) -> Optional[bool]:
    return {"true": True, "false": False}.get(text.strip().lower())


# -- schemas ---------------------------------------------------------------------------


def _deref(node: Any) -> Any:
    while isinstance(node, Mapping) and "$ref" in node:
        node = _pointer(node["$ref"])
    return node


@lru_cache(maxsize=None)
def _pointer(ref: str) -> Any:
    node: Any = _spec()
    for token in ref.lstrip("#/").split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    return node


def _alternatives(schema: Schema) -> List[Schema]:
    """The branches of ``anyOf``/``oneOf`` (dereferenced), or ``[]``."""
    return [_deref(s) for key in ("anyOf", "oneOf") for s in schema.get(key, ())]


def _parts(schema: Schema) -> Iterator[Schema]:
    """The schema and, recursively, its ``allOf`` members."""
    schema = _deref(schema)
    yield schema
    for sub in schema.get("allOf", ()):
        yield from _parts(sub)


def _types(schema: Schema) -> List[str]:
    """The JSON types *schema* accepts, [] for any."""
    found: List[str] = []
    for part in _parts(schema):
        kind = part.get("type")
        if isinstance(kind, str):
            found.append(kind)
        elif isinstance(kind, list):
            found.extend(kind)
        elif "properties" in part:
            found.append("object")
        for alt in _alternatives(part):
            alt_types = _types(alt)
            if not alt_types:
                return []
            found.extend(alt_types)
    return found


def _accepts(schema: Schema, kind: str) -> bool:
    types = _types(schema)
    return not types or kind in types or (kind == "integer" and "number" in types)


def _items(schema: Schema) -> Optional[Schema]:
    for part in _parts(schema):
        if "items" in part:
            items: Schema = _deref(part["items"])
            return items
        for alt in _alternatives(part):
            found = _items(alt)
            if found is not None:
                return found
    return None


def _properties(schema: Schema) -> Tuple[Dict[str, Any], List[str]]:
    """Properties and required names of *schema* and its ``allOf`` members."""
    properties: Dict[str, Any] = {}
    required: List[str] = []
    for part in _parts(schema):
        properties.update(part.get("properties", {}))
        required.extend(part.get("required", ()))
    return properties, required


def _additional(schema: Schema) -> Optional[Schema]:
    for part in _parts(schema):
        extra = part.get("additionalProperties")
        if isinstance(extra, Mapping):
            resolved: Schema = _deref(extra)
            return resolved
    return None


def _closed(schema: Schema) -> bool:
    """Whether *schema* refuses properties it does not list."""
    parts = list(_parts(schema))
    if any(p.get("additionalProperties") not in (None, False) for p in parts):
        return False
    return any("properties" in p or p.get("additionalProperties") is False for p in parts)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if value is _FILE:
        return "file"
    return "object"


_GOT = {
    "null": "null",
    "boolean": "a boolean",
    "integer": "an integer",
    "number": "a decimal number",
    "string": "a string",
    "array": "an array",
    "object": "an object",
    "file": "a file",
}


def _fits(kind: str, allowed: Sequence[str], schema: Schema) -> bool:
    if kind == "file":
        return "string" in allowed and schema.get("format") == "binary"
    return kind in allowed or (kind == "integer" and "number" in allowed)


def _join(name: Optional[str], key: str) -> str:
    return key if name is None else f"{name}.{key}"


def _check(schema: Schema, value: Any, name: Optional[str]) -> None:
    """Raise :class:`_Problem` for the first way *value* breaks *schema*."""
    schema = _deref(schema)
    members = list(_parts(schema))
    for part in members:
        _check_simple(part, value, name)
        alternatives = _alternatives(part)
        if alternatives:
            tag_name = part.get("discriminator", {}).get("propertyName", "type")
            _check_one_of(alternatives, value, name, tag_name)
    if isinstance(value, dict) and any(
        "properties" in p or "additionalProperties" in p for p in members
    ):
        _check_object(schema, value, name)
    if isinstance(value, list):
        items = next((p["items"] for p in members if "items" in p), None)
        if items is not None:
            for i, item in enumerate(value):
                _check(items, item, f"{name or ''}[{i}]")


def _check_one_of(alternatives: List[Schema], value: Any, name: Optional[str], tag_name: str) -> None:
    problems: List[_Problem] = []
    for alt in alternatives:
        try:
            _check(alt, value, name)
        except _Problem as problem:
            problems.append(problem)
        else:
            return
    kind = _kind(value)
    tag = value.get(tag_name) if isinstance(value, dict) else None
    tags = [_tags(alt, tag_name) for alt in alternatives]
    if isinstance(tag, str) and all(t is not None for t in tags):
        tagged = [p for t, p in zip(tags, problems) if t is not None and tag in t]
        if tagged:
            raise max(tagged, key=lambda p: p.depth)
        listed = ", ".join(repr(t) for ts in tags if ts for t in sorted(ts))
        raise _Problem(
            _join(name, tag_name),
            f"Invalid value: {tag!r}. Supported values are: {listed}.",
            "invalid_value",
        )
    same_kind = [
        p for alt, p in zip(alternatives, problems) if _fits(kind, _types(alt) or [kind], alt)
    ]
    if same_kind:
        raise max(same_kind, key=lambda p: p.depth)
    kinds = {t for a in alternatives for t in _types(a)}
    if len(kinds) > 1:
        kinds.discard("null")  # the API leaves null out of what it expected
    expected = sorted(_TYPE_WORDS.get(t, t) for t in kinds)
    raise _type_problem(name, " or ".join(expected) or "another value", kind)


def _tags(schema: Schema, tag_name: str) -> Optional[List[str]]:
    """The values of the *tag_name* property an object schema allows, if it fixes them."""
    prop = _properties(schema)[0].get(tag_name)
    if prop is None:
        return None
    prop = _deref(prop)
    if "const" in prop:
        return [prop["const"]]
    if "enum" in prop:
        return [v for v in prop["enum"] if isinstance(v, str)]
    return None


def _check_simple(schema: Schema, value: Any, name: Optional[str]) -> None:
    label = name or "body"
    kind = _kind(value)
    declared = schema.get("type")
    allowed = [declared] if isinstance(declared, str) else list(declared or [])
    if allowed and not _fits(kind, allowed, schema):
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in allowed)
        raise _type_problem(name, words, kind)
    if kind == "string" and schema.get("format") == "binary":
        raise _type_problem(name, "a file", kind)
    if "enum" in schema and value not in schema["enum"] or "const" in schema and value != schema["const"]:
        choices = schema["enum"] if "enum" in schema else [schema["const"]]
        listed = ", ".join(repr(c) for c in choices)
        raise _Problem(
            name,
            f"Invalid value: {value!r}. Supported values are: {listed}.",
            "invalid_value",
        )
    if kind in ("integer", "number"):
        _check_bounds(schema, value, label)
    elif kind == "string":
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            raise _Problem(
                name,
                f"Invalid '{label}': string too long. Expected a string with maximum length "
                f"{schema['maxLength']}, but got a string with length {len(value)} instead.",
                "string_above_max_length",
            )
        if "minLength" in schema and len(value) < schema["minLength"]:
            raise _Problem(
                name,
                f"Invalid '{label}': string too short. Expected a string with minimum length "
                f"{schema['minLength']}, but got a string with length {len(value)} instead.",
                "string_below_min_length",
            )
    elif kind == "array":
        if "minItems" in schema and len(value) < schema["minItems"]:
            raise _Problem(
                name,
                f"Invalid '{label}': {'empty array' if not value else 'array too short'}. Expected "
                f"an array with minimum length {schema['minItems']}, but got "
                f"{'an empty array' if not value else f'an array with length {len(value)}'} instead.",
                "empty_array" if not value else "array_below_min_length",
            )
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            raise _Problem(
                name,
                f"Invalid '{label}': array too long. Expected an array with maximum length "
                f"{schema['maxItems']}, but got an array with length {len(value)} instead.",
                "array_above_max_length",
            )


def _check_bounds(schema: Schema, value: float, label: str) -> None:
    for key, fails, words in (
        ("minimum", operator.lt, ">="),
        ("maximum", operator.gt, "<="),
        ("exclusiveMinimum", operator.le, ">"),
        ("exclusiveMaximum", operator.ge, "<"),
    ):
        bound = schema.get(key)
        if isinstance(bound, (int, float)) and not isinstance(bound, bool) and fails(value, bound):
            side = "below minimum" if words[0] == ">" else "above maximum"
            raise _Problem(
                label,
                f"Invalid '{label}': number {side} value. Expected a value {words} {bound}, "
                f"but got {value} instead.",
                "integer_below_min_value" if side.startswith("below") else "integer_above_max_value",
            )


def _check_object(schema: Schema, value: Dict[str, Any], name: Optional[str]) -> None:
    properties, required = _properties(schema)
    closed = _closed(schema)
    extra = _additional(schema)
    for key in value:
        if key not in properties and closed:
            raise _unknown(_join(name, key))
    for key in required:
        if key not in value:
            raise _missing(_join(name, key))
    for key, item in value.items():
        if key in properties:
            _check(properties[key], item, _join(name, key))
        elif extra is not None:
            _check(extra, item, _join(name, key))


def _type_problem(name: Optional[str], expected: str, kind: str) -> _Problem:
    label = name or "body"
    return _Problem(
        name,
        f"Invalid type for '{label}': expected {expected}, but got {_GOT.get(kind, kind)} instead.",
        "invalid_type",
    )


def _unknown(name: str) -> _Problem:
    if "." not in name and "[" not in name:
        return _Problem(name, f"Unrecognized request argument supplied: {name}", "unknown_parameter")
    return _Problem(name, f"Unknown parameter: '{name}'.", "unknown_parameter")


def _missing(name: str) -> _Problem:
    return _Problem(name, f"Missing required parameter: '{name}'.", "missing_required_parameter")
