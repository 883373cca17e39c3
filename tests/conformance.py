"""Check requests and responses against the trimmed OpenAI OpenAPI document.

The document is ``tests/openapi/openapi.trimmed.json`` (see
``tests/openapi/SOURCE.rst``).  Schemas are checked with JSON Schema draft
2020-12; ``discriminator`` and other OpenAPI-only keywords are ignored and
``format`` is not asserted.

Every check raises :class:`ConformanceError`, which is both a
:class:`jsonschema.ValidationError` and an :class:`AssertionError`, with a
message that names the operation.  :func:`find_operation` raises
:class:`LookupError` for a path or method the document does not know.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from re import Pattern
from typing import Any
from urllib.parse import quote, unquote

import jsonschema
from jsonschema.exceptions import best_match
from referencing import Registry
from referencing.jsonschema import DRAFT202012

__all__ = [
    "SPEC_FILE",
    "ConformanceError",
    "Operation",
    "find_operation",
    "load_spec",
    "operations",
    "validate_binary",
    "validate_headers",
    "validate_multipart",
    "validate_query",
    "validate_request",
    "validate_response",
    "validate_stream",
]

#: The trimmed OpenAPI document.
SPEC_FILE = Path(__file__).resolve().parent / "openapi" / "openapi.trimmed.json"

_BASE_URI = "urn:openai-lite:openapi.trimmed.json"
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_JSON = "application/json"
_MULTIPART = "multipart/form-data"
#: One path segment: RFC 3986 ``pchar`` characters and percent escapes.
_SEGMENT = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+"
_FORM_NAME = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_EVENT_STREAM = "text/event-stream"
#: Query parameters an Azure OpenAI deployment adds to every operation.
_DEPLOYMENT_QUERY = ("api-version",)
_MAX_MESSAGE = 400


class ConformanceError(jsonschema.ValidationError, AssertionError):  # type: ignore[misc,unused-ignore]
    """A request or response that does not match the OpenAPI document."""

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)


@dataclass(frozen=True)
class Operation:
    """One operation (path template + method) of the OpenAPI document."""

    #: Upper-case HTTP method, e.g. ``"POST"``.
    method: str
    #: Path template, e.g. ``"/files/{file_id}"``.
    template: str
    #: The ``operationId``.
    operation_id: str
    #: The operation object from the document.
    definition: Mapping[str, Any] = field(repr=False, compare=False)
    _regex: Pattern[str] = field(repr=False, compare=False)

    def __str__(self) -> str:
        return f"{self.method} {self.template} ({self.operation_id})"

    @property
    def pointer(self) -> str:
        """JSON pointer of the operation object inside the document."""
        return f"/paths/{_escape(self.template)}/{self.method.lower()}"

    @property
    def literal_segments(self) -> int:
        """How many path segments are fixed text rather than placeholders."""
        return sum(1 for seg in self.template.split("/") if seg and "{" not in seg)

    def path_params(self, route_path: str) -> dict[str, str] | None:
        """Return the decoded placeholder values, or ``None`` if no match."""
        found = self._regex.match(_normalize_path(route_path))
        if found is None:
            return None
        return {name: unquote(value) for name, value in found.groupdict().items()}

    def request_content_types(self) -> list[str]:
        """Media types of the request body (empty if the body is not used)."""
        body = self.request_body()
        return sorted(body.get("content", {})) if body else []

    def request_body(self) -> Mapping[str, Any] | None:
        """The (dereferenced) request body object, if any."""
        body = self.definition.get("requestBody")
        return _deref(body) if body is not None else None


@lru_cache(maxsize=1)
def load_spec() -> dict[str, Any]:
    """Return the trimmed OpenAPI document (loaded once)."""
    with SPEC_FILE.open(encoding="utf-8") as fh:
        spec: dict[str, Any] = json.load(fh)
    return spec


@lru_cache(maxsize=1)
def operations() -> tuple[Operation, ...]:
    """All operations, the most specific templates first."""
    found = []
    for template, item in load_spec()["paths"].items():
        regex = re.compile(
            "^" + "/".join(_segment_regex(s) for s in template.split("/")) + "$"
        )
        for method in _METHODS:
            if method in item:
                definition = item[method]
                found.append(
                    Operation(
                        method=method.upper(),
                        template=template,
                        operation_id=definition.get("operationId", ""),
                        definition=definition,
                        _regex=regex,
                    )
                )
    found.sort(key=lambda op: (-op.literal_segments, op.template, op.method))
    return tuple(found)


def find_operation(method: str, route_path: str) -> Operation:
    """Return the operation whose template matches *route_path*.

    :param method: HTTP method, any case.
    :param route_path: concrete path such as ``"/files/file-abc123"``; a
        ``/v1`` prefix and a query string are ignored.  Each placeholder
        matches exactly one percent-encoded path segment.
    :raises LookupError: if no operation matches.
    """
    wanted = method.upper()
    matching = [op for op in operations() if op.path_params(route_path) is not None]
    for op in matching:
        if op.method == wanted:
            return op
    if matching:
        allowed = ", ".join(sorted({op.method for op in matching}))
        raise LookupError(
            f"{wanted} {route_path}: path matches {matching[0].template}, "
            f"which only allows {allowed}"
        )
    raise LookupError(
        f"{wanted} {route_path}: no operation in {SPEC_FILE.name} matches this "
        "path (placeholders must be single percent-encoded segments)"
    )


def validate_request(method: str, route_path: str, body: Any) -> None:
    """Check a JSON request body against the operation's request schema.

    *body* is the decoded JSON value, or ``None`` when no body is sent.  An
    operation without a request body accepts ``None`` and ``{}``.

    :raises ConformanceError: if the body does not conform.
    """
    op = find_operation(method, route_path)
    request_body = op.request_body()
    if request_body is None:
        if body is None or body == {}:
            return
        raise ConformanceError(f"{op}: takes no request body, got {_short(body)}")
    content = request_body.get("content", {})
    if _JSON not in content:
        media = ", ".join(sorted(content))
        raise ConformanceError(f"{op}: request body is {media}, not {_JSON}")
    if body is None:
        if request_body.get("required"):
            raise ConformanceError(f"{op}: request body is required")
        return
    pointer = _body_pointer(op) + f"/content/{_escape(_JSON)}/schema"
    _check(_validator(pointer), body, f"{op} request body")


def validate_response(method: str, route_path: str, status: int, body: Any) -> None:
    """Check a decoded JSON response body against the documented schema.

    The schema is looked up by exact status, then ``NXX``, then ``default``;
    an undocumented error status (>= 400) is checked against the
    ``ErrorResponse`` schema.  A response documented without any content
    (e.g. ``DELETE /responses/{response_id}``) accepts any body.

    :raises ConformanceError: if the body does not conform or the status or
        media type is not documented.
    """
    op = find_operation(method, route_path)
    responses = op.definition.get("responses", {})
    what = f"{op} response {status}"
    for key in (str(status), f"{status // 100}XX", "default"):
        if key in responses:
            pointer, response = _deref_pointer(
                f"{op.pointer}/responses/{_escape(key)}", responses[key]
            )
            content = response.get("content", {})
            if not content:
                return  # the document does not describe this body
            if _JSON not in content:
                media = ", ".join(sorted(content))
                raise ConformanceError(
                    f"{what}: not documented as {_JSON} (only {media})"
                )
            _check(
                _validator(pointer + f"/content/{_escape(_JSON)}/schema"), body, what
            )
            return
    if status >= 400 and "ErrorResponse" in load_spec()["components"]["schemas"]:
        _check(_validator("/components/schemas/ErrorResponse"), body, what)
        return
    documented = ", ".join(sorted(responses))
    raise ConformanceError(f"{what}: status not documented (only {documented})")


def validate_multipart(
    method: str,
    route_path: str,
    fields: Mapping[str, object],
    file_fields: Iterable[str],
) -> None:
    """Check the names (and simple enum values) of a multipart form.

    :param fields: plain form fields by form name; a list value stands for a
        repeated field.
    :param file_fields: form names of the uploaded files.

    Form names follow the usual bracket convention: ``include[]`` is an item
    of the array property ``include`` and ``expires_after[anchor]`` is the
    ``anchor`` property of the object property ``expires_after``.  Every
    name must be a known property, required properties must be present
    (files count as present), files must go to binary properties, and values
    of string-enum properties must be allowed.

    :raises ConformanceError: listing every problem found.
    """
    op = find_operation(method, route_path)
    request_body = op.request_body()
    content = request_body.get("content", {}) if request_body else {}
    if _MULTIPART not in content:
        media = ", ".join(sorted(content)) or "not used"
        raise ConformanceError(f"{op}: request body is {media}, not {_MULTIPART}")
    properties, required = _object_shape(content[_MULTIPART]["schema"])
    files = set(file_fields)
    problems: list[str] = []
    present: set[str] = set()
    for name in sorted(set(fields) | files):
        parsed = _FORM_NAME.match(name)
        if parsed is None:
            problems.append(f"malformed form name {name!r}")
            continue
        base, brackets = parsed.group(1), parsed.group(2)
        present.add(base)
        if base not in properties:
            problems.append(f"unknown form field {name!r}")
            continue
        leaf = _form_leaf(properties[base], re.findall(r"\[([^\[\]]*)\]", brackets))
        if leaf is None:
            problems.append(f"form name {name!r} does not fit the schema of {base!r}")
            continue
        if name in files:
            if not _allows_binary(leaf):
                problems.append(f"{name!r} is sent as a file but is not a binary field")
            continue
        if _only_binary(leaf):
            problems.append(f"{name!r} is a file field but was sent as a plain value")
            continue
        value = fields[name]
        values = list(value) if isinstance(value, (list, tuple)) else [value]
        if isinstance(value, (list, tuple)) and not brackets:
            leaf = _array_items(leaf) or leaf
        allowed = _string_enum(leaf)
        if allowed is None:
            continue
        for item in values:
            text = _form_text(item)
            if text not in allowed:
                choices = ", ".join(sorted(allowed))
                problems.append(f"{name!r}: {text!r} is not one of {choices}")
    problems.extend(
        f"missing required form field {name!r}"
        for name in required
        if name not in present
    )
    if problems:
        raise ConformanceError(f"{op} multipart form: " + "; ".join(problems))


def validate_query(method: str, route_path: str, query: Mapping[str, Sequence[str]]) -> None:
    """Check a parsed query string against the operation's query parameters.

    Names follow the bracket convention of forms (``include[]``, ``metadata[key]``); each
    text value is read as the type its schema asks for and then checked against it. Unknown
    names and missing required parameters are problems too.

    :raises ConformanceError: listing every problem found.
    """
    op = find_operation(method, route_path)
    params = _parameters(op, "query")
    problems: list[str] = []
    values: dict[str, Any] = {}
    for raw, items in query.items():
        if raw in _DEPLOYMENT_QUERY:
            continue
        parsed = _FORM_NAME.match(raw)
        if parsed is None or parsed.group(1) not in params:
            problems.append(f"unknown query parameter {raw!r}")
            continue
        base = parsed.group(1)
        schema = params[base][1].get("schema", {})
        keys = re.findall(r"\[([^\[\]]*)\]", parsed.group(2))
        if not keys:
            if len(items) > 1 or _array_items(schema) is not None:
                leaf = _array_items(schema) or {}
                values[base] = [_from_text(leaf, item) for item in items]
            else:
                values[base] = _from_text(schema, items[0])
        elif keys == [""]:
            leaf = _array_items(schema) or {}
            values.setdefault(base, []).extend(_from_text(leaf, item) for item in items)
        elif len(keys) == 1 and len(items) == 1:
            leaf = _form_leaf(schema, keys) or _additional(schema) or {}
            values.setdefault(base, {})[keys[0]] = _from_text(leaf, items[0])
        else:
            problems.append(f"query name {raw!r} does not fit the schema of {base!r}")
    problems.extend(
        f"missing required query parameter {name!r}"
        for name, (_, param) in params.items()
        if param.get("required") and name not in values
    )
    for name, value in values.items():
        pointer = params[name][0] + "/schema"
        for error in _validator(pointer).iter_errors(value):
            problems.append(f"query parameter {name!r}: {_clip(error.message)}")
    if problems:
        raise ConformanceError(f"{op} query: " + "; ".join(problems))


def validate_headers(method: str, route_path: str, headers: Mapping[str, str]) -> None:
    """Check the request headers the operation defines (``in: header`` parameters).

    A comma-separated value stands for an array.

    :raises ConformanceError: if a defined header is missing or does not conform.
    """
    op = find_operation(method, route_path)
    lowered = {k.lower(): v for k, v in headers.items()}
    for name, (pointer, param) in _parameters(op, "header").items():
        raw = lowered.get(name.lower())
        if raw is None:
            if param.get("required"):
                raise ConformanceError(f"{op}: missing required header {name!r}")
            continue
        schema = param.get("schema", {})
        items = _array_items(schema)
        value: Any = [_from_text(items, v.strip()) for v in raw.split(",")] if items is not None else raw
        _check(_validator(pointer + "/schema"), value, f"{op} header {name!r}")


def validate_stream(
    method: str, route_path: str, status: int, body: bytes, events_of: tuple[str, str] | None = None
) -> int:
    """Check each event of a ``text/event-stream`` body against the stream event schema.

    Lines may end in LF, CRLF or CR; ``[DONE]`` ends the stream. An event that carries only
    an ``error`` object is checked against ``ErrorResponse``. Where the document has no
    stream for the operation (``POST /completions``), each event is checked against the JSON
    response schema: such a stream sends the response in pieces of the same shape, whose
    choices have a null ``finish_reason`` until the last.

    :param events_of: ``(method, path)`` of the operation whose stream schema applies, for one
        that sends another's events without documenting them (``GET /responses/{id}``).

    :returns: the number of events checked.
    :raises ConformanceError: if the stream is not documented or an event does not conform.
    """
    op = find_operation(method, route_path)
    pieces = False
    try:
        source = op if events_of is None else find_operation(*events_of)
        pointer = _media_pointer(source, status, _EVENT_STREAM)
    except ConformanceError:
        pointer, pieces = _media_pointer(op, status, _JSON), True
    checked = 0
    for number, data in enumerate(_sse_data(body), 1):
        if data == "[DONE]":
            break
        what = f"{op} stream event {number}"
        try:
            event = json.loads(data)
        except ValueError:
            raise ConformanceError(f"{what}: not JSON: {_short(data)}") from None
        if isinstance(event, dict) and set(event) == {"error"}:
            _check(_validator("/components/schemas/ErrorResponse"), event, what)
            checked += 1
            continue
        if pieces and isinstance(event, dict):
            for choice in event.get("choices") or ():
                if isinstance(choice, dict) and choice.get("finish_reason", "") is None:
                    choice["finish_reason"] = "stop"
        _check(_validator(pointer), event, what)
        checked += 1
    return checked


def validate_binary(method: str, route_path: str, status: int, media: str) -> None:
    """Check that the operation documents a body of raw bytes (or text) for *status*.

    The document names one media type for any audio (``application/octet-stream``), so
    any media type is accepted where a binary or string body is documented, and any body
    where the response is documented without content.

    :raises ConformanceError: if the documented body for *status* is neither.
    """
    op = find_operation(method, route_path)
    content = _documented_content(op, status)
    if not content:
        return  # the document does not describe this body
    for media_type, entry in content.items():
        schema = _deref(entry.get("schema", {}))
        if media_type == media or "string" in _types(schema) and media_type != _EVENT_STREAM:
            return
    documented = ", ".join(sorted(content)) or "nothing"
    raise ConformanceError(f"{op} response {status}: {media} is not documented (only {documented})")


# -- internals ---------------------------------------------------------------


def _parameters(op: Operation, where: str) -> dict[str, tuple[str, Mapping[str, Any]]]:
    """The operation's parameters in *where*, by name, with the pointer to each."""
    found: dict[str, tuple[str, Mapping[str, Any]]] = {}
    for i, param in enumerate(op.definition.get("parameters", ())):
        pointer, param = _deref_pointer(f"{op.pointer}/parameters/{i}", param)
        if param.get("in") == where:
            found[param["name"]] = (pointer, param)
    return found


def _additional(schema: Mapping[str, Any]) -> Mapping[str, Any] | None:
    for branch in _branches(schema):
        extra = branch.get("additionalProperties")
        if isinstance(extra, Mapping):
            return extra
    return None


def _from_text(schema: Mapping[str, Any], text: str) -> Any:
    """Read a query or header value as the JSON type *schema* asks for (text if unsure)."""
    kinds: set[str] = set()
    for branch in _branches(schema):
        kinds |= _types(branch)
    if not kinds or "string" in kinds:
        return text
    if "integer" in kinds and re.fullmatch(r"-?\d+", text):
        return int(text)
    if "number" in kinds:
        try:
            return float(text)
        except ValueError:
            return text
    if "boolean" in kinds and text in ("true", "false"):
        return text == "true"
    return text


def _documented_content(op: Operation, status: int) -> Mapping[str, Any]:
    responses = op.definition.get("responses", {})
    for key in (str(status), f"{status // 100}XX", "default"):
        if key in responses:
            response: Mapping[str, Any] = _deref(responses[key])
            return response.get("content", {})  # type: ignore[no-any-return]
    return {}


def _media_pointer(op: Operation, status: int, media: str) -> str:
    responses = op.definition.get("responses", {})
    for key in (str(status), f"{status // 100}XX", "default"):
        if key in responses:
            pointer, response = _deref_pointer(f"{op.pointer}/responses/{_escape(key)}", responses[key])
            if media in response.get("content", {}):
                return pointer + f"/content/{_escape(media)}/schema"
    raise ConformanceError(f"{op} response {status}: {media} is not documented")


def _sse_data(body: bytes) -> Iterable[str]:
    """The ``data`` of each event of an event stream (multi-line data joined)."""
    data: list[str] = []
    for line in re.split(r"\r\n|\r|\n", body.decode("utf-8")):
        if not line:
            if data:
                yield "\n".join(data)
            data = []
        elif line.startswith("data:"):
            value = line[5:]
            data.append(value[1:] if value.startswith(" ") else value)
    if data:
        yield "\n".join(data)



def _escape(token: str) -> str:
    """Escape one JSON pointer token."""
    return token.replace("~", "~0").replace("/", "~1")


def _segment_regex(segment: str) -> str:
    names = re.fullmatch(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", segment)
    if names:
        return f"(?P<{names.group(1)}>{_SEGMENT})"
    return re.escape(segment)


def _normalize_path(route_path: str) -> str:
    path = route_path.split("?", 1)[0].split("#", 1)[0]
    if path.startswith("/v1/"):
        path = path[3:]
    return path


def _pointer_get(pointer: str) -> Any:
    node: Any = load_spec()
    for token in pointer.lstrip("/").split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    return node


def _deref_pointer(pointer: str, node: Any) -> tuple[str, Any]:
    """Follow local ``$ref`` chains; return the final pointer and node."""
    while isinstance(node, Mapping) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise ValueError(f"unsupported $ref {ref!r}")
        pointer = ref[1:]
        node = _pointer_get(pointer)
    return pointer, node


def _deref(node: Any) -> Any:
    return _deref_pointer("", node)[1]


def _body_pointer(op: Operation) -> str:
    return _deref_pointer(op.pointer + "/requestBody", op.definition["requestBody"])[0]


@lru_cache(maxsize=1)
def _registry() -> Registry[Any]:
    resource = DRAFT202012.create_resource(load_spec())
    registry: Registry[Any] = Registry().with_resource(_BASE_URI, resource)
    return registry


@lru_cache(maxsize=1024)
def _validator(pointer: str) -> jsonschema.Draft202012Validator:
    """A cached validator for the schema at *pointer* in the document."""
    ref = f"{_BASE_URI}#{quote(pointer, safe='/~')}"
    return jsonschema.Draft202012Validator({"$ref": ref}, registry=_registry())


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 3] + "..."


def _short(value: Any) -> str:
    return _clip(repr(value))


def _check(
    validator: jsonschema.Draft202012Validator, instance: Any, what: str
) -> None:
    errors = list(validator.iter_errors(instance))
    if not errors:
        return
    error = best_match(errors)
    text = f"{what}: {_clip(error.message)} (at {error.json_path})"
    if error.context:
        # The alternative that got furthest into the instance is the most telling.
        closest = max(error.context, key=lambda sub: len(sub.absolute_path))
        text += (
            f"; closest alternative: {_clip(closest.message)} (at {closest.json_path})"
        )
    if len(errors) > 1:
        text += f" and {len(errors) - 1} more error(s)"
    raise ConformanceError(
        text, path=error.absolute_path, schema_path=error.absolute_schema_path
    ) from error


def _branches(schema: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The schema itself and its ``allOf``/``anyOf``/``oneOf`` alternatives."""
    schema = _deref(schema)
    found = [schema]
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key, ()):
            found.extend(_branches(sub))
    return found


def _types(schema: Mapping[str, Any]) -> set[str]:
    kind = schema.get("type")
    if isinstance(kind, str):
        return {kind}
    return set(kind or ())


def _object_shape(schema: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Properties and required names of an object schema (merging branches)."""
    schema = _deref(schema)
    properties: dict[str, Any] = {}
    for branch in _branches(schema):
        properties.update(branch.get("properties", {}))
    required = list(schema.get("required", ()))
    for sub in schema.get("allOf", ()):
        required.extend(_object_shape(sub)[1])
    return properties, required


def _array_items(schema: Mapping[str, Any]) -> Mapping[str, Any] | None:
    for branch in _branches(schema):
        if "array" in _types(branch):
            items = branch.get("items")
            return items if isinstance(items, Mapping) else {}
    return None


def _form_leaf(schema: Mapping[str, Any], keys: list[str]) -> Mapping[str, Any] | None:
    """Follow bracket *keys* (``""`` for ``[]``) from a property schema."""
    leaf: Mapping[str, Any] | None = schema
    for key in keys:
        if leaf is None:
            return None
        leaf = _array_items(leaf) if key == "" else _object_shape(leaf)[0].get(key)
    return leaf


def _is_binary(schema: Mapping[str, Any]) -> bool:
    return schema.get("format") == "binary" and "string" in _types(schema)


def _allows_binary(schema: Mapping[str, Any]) -> bool:
    return any(_is_binary(branch) for branch in _branches(schema))


def _only_binary(schema: Mapping[str, Any]) -> bool:
    """True if every concrete alternative of *schema* is a file (or list of files)."""
    concrete = [b for b in _branches(schema) if "type" in b and _types(b) != {"null"}]
    if not concrete:
        return False
    for branch in concrete:
        if _is_binary(branch):
            continue
        items = branch.get("items") if "array" in _types(branch) else None
        if isinstance(items, Mapping) and _only_binary(items):
            continue
        return False
    return True


def _string_enum(schema: Mapping[str, Any]) -> set[str] | None:
    """The allowed strings if *schema* only accepts enumerated strings."""
    schema = _deref(schema)
    if "const" in schema:
        return {schema["const"]} if isinstance(schema["const"], str) else None
    if "enum" in schema:
        values = [v for v in schema["enum"] if v is not None]
        return set(values) if all(isinstance(v, str) for v in values) else None
    alternatives = list(schema.get("anyOf", ())) + list(schema.get("oneOf", ()))
    if not alternatives:
        return None
    allowed: set[str] = set()
    for sub in alternatives:
        if _types(_deref(sub)) == {"null"}:
            continue
        found = _string_enum(sub)
        if found is None:
            return None
        allowed |= found
    return allowed


def _form_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)
