"""Structured outputs: the request side of ``parse``, and the model's JSON decoded into types.

The JSON is checked against the type as it is decoded, so that an answer that does not fit
raises :class:`~openai_lite.errors.OutputValidationError` naming the path of the value
(``$.items[2].price: expected float``), never a bare ``ValueError`` or ``KeyError``.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import json
import re
import weakref
from typing import Any, Callable, Dict, List, Literal, Mapping, Optional, Tuple, Union, get_args, get_origin

from ._errors import ContentFilterFinishReasonError, LengthFinishReasonError, OutputValidationError
from ._schema import _LISTS, _NONE, FunctionTool, json_key, json_schema, schema_name, type_hints
from .response_items import ResponseFunctionToolCall, ResponseOutputMessage, ResponseOutputText

__all__ = [
    "value_decoder",
    "arguments_decoder",
    "parse_json",
    "chat_request",
    "responses_request",
    "ChatParser",
    "ResponsesParser",
]

Decode = Callable[[Any], Any]


# -- decoding ------------------------------------------------------------------------


def _key_path(path: str, key: str) -> str:
    return f"{path}.{key}" if key.isidentifier() else f"{path}[{json.dumps(key)}]"


def _kind(value: Any) -> str:
    return "null" if value is None else "list" if isinstance(value, list) else type(value).__name__


def _fail(path: str, expected: str, value: Any) -> OutputValidationError:
    shown = "object" if isinstance(value, dict) else _kind(value)
    return OutputValidationError(path, f"expected {expected}, got {shown}")


_DATETIME = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d+))?)?(?:([Zz])|([+-])(\d\d):?(\d\d))?"
)


def _datetime(text: str) -> datetime.datetime:
    """Parse an RFC 3339 date-time (``fromisoformat`` of Python < 3.11 refuses ``Z``)."""
    match = _DATETIME.fullmatch(text.strip())
    if match is None:
        raise ValueError(text)
    year, month, day, hour, minute, second, fraction, zulu, sign, tz_hours, tz_minutes = match.groups()
    tz: Optional[datetime.tzinfo] = None
    if zulu:
        tz = datetime.timezone.utc
    elif sign:
        offset = datetime.timedelta(hours=int(tz_hours), minutes=int(tz_minutes))
        tz = datetime.timezone(-offset if sign == "-" else offset)
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    return datetime.datetime(
        int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro, tz
    )


#: Turns a decoded JSON value at a path into the type it was built for, or raises.
Converter = Callable[[Any, str], Any]
_converters: Dict[Any, Converter] = {}


def _converter(tp: Any) -> Converter:
    """Return the converter of *tp*, built once: the type is inspected here, not per value."""
    found = _converters.get(tp)
    if found is None:
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            # Registered first, so that a class that contains itself finds a converter to call.
            built: List[Converter] = []
            _converters[tp] = lambda value, path: built[0](value, path)
            try:
                built.append(_dataclass(tp))
            except BaseException:
                del _converters[tp]
                raise
            found = _converters[tp] = built[0]
        else:
            found = _converters[tp] = _build(tp)
    return found


def _exact(tp: type) -> Converter:
    def convert(value: Any, path: str) -> Any:
        if type(value) is not tp:
            raise _fail(path, tp.__name__, value)
        return value

    return convert


def _float(value: Any, path: str) -> Any:
    if type(value) is float:
        return value
    if type(value) is not int:
        raise _fail(path, "float", value)
    return float(value)


def _null(value: Any, path: str) -> None:
    if value is not None:
        raise _fail(path, "null", value)


def _date(tp: Any) -> Converter:
    expected = "a date-time string" if tp is datetime.datetime else "a date string (YYYY-MM-DD)"
    parse = _datetime if tp is datetime.datetime else datetime.date.fromisoformat

    def convert(value: Any, path: str) -> Any:
        if type(value) is not str:
            raise _fail(path, expected, value)
        try:
            return parse(value)
        except ValueError:
            raise OutputValidationError(path, f"expected {expected}, got {value[:40]!r}") from None

    return convert


def _choices(table: Dict[Tuple[type, Any], Any], shown: str) -> Converter:
    """Look a value up by its JSON type and value (so that ``true`` is not ``1``)."""

    def convert(value: Any, path: str) -> Any:
        try:
            return table[(type(value), value)]
        except (KeyError, TypeError):  # TypeError: an object or a list
            raise OutputValidationError(path, f"expected one of {shown}, got {value!r:.40}") from None

    return convert


def _list(item: Converter, as_tuple: bool) -> Converter:
    def convert(value: Any, path: str) -> Any:
        if type(value) is not list:
            raise _fail(path, "a list", value)
        items = [item(v, f"{path}[{i}]") for i, v in enumerate(value)]
        return tuple(items) if as_tuple else items

    return convert


def _build(tp: Any) -> Converter:
    if tp is str or tp is bool or tp is int:
        return _exact(tp)
    if tp is float:
        return _float
    if tp is _NONE or tp is None:
        return _null
    if tp is datetime.datetime or tp is datetime.date:
        return _date(tp)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        shown = ", ".join(repr(m.value) for m in tp)
        return _choices({(type(m.value), m.value): m for m in tp}, shown)
    origin, args = get_origin(tp), get_args(tp)
    if origin is Literal:
        return _choices({(type(a), a): a for a in args}, ", ".join(map(repr, args)))
    if origin is Union:
        return _union(args)
    if (origin in _LISTS or origin is tuple) and args:
        return _list(_converter(args[0]), origin is tuple)
    raise TypeError(f"{tp!r} cannot be decoded from a structured output")


def _dataclass(cls: Any) -> Converter:
    hints = type_hints(cls)
    plan = [
        (
            f.name,
            json_key(f),
            _key_path("", json_key(f)),
            _converter(hints[f.name]),
            f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
        )
        for f in dataclasses.fields(cls)
        if f.init
    ]
    expected = f"an object ({cls.__name__})"

    def convert(value: Any, path: str) -> Any:
        if type(value) is not dict:
            raise _fail(path, expected, value)
        kwargs: Dict[str, Any] = {}
        for name, key, step, field, required in plan:
            if key in value:
                kwargs[name] = field(value[key], path + step)
            elif required:
                raise OutputValidationError(path + step, "missing")
        try:
            return cls(**kwargs)
        except (TypeError, ValueError) as exc:  # a __post_init__ that checks its values
            raise OutputValidationError(path, f"{cls.__name__}: {exc}") from exc

    return convert


def _union(args: Tuple[Any, ...]) -> Converter:
    members = [_converter(a) for a in args if a is not _NONE]
    nullable = len(members) < len(args)
    names = " or ".join("null" if a is _NONE else getattr(a, "__name__", repr(a)) for a in args)
    if nullable and len(members) == 1:  # Optional[X]: a value gets the error of X
        only = members[0]
        return lambda value, path: None if value is None else only(value, path)

    def convert(value: Any, path: str) -> Any:
        if value is None and nullable:
            return None
        errors: List[OutputValidationError] = []
        for member in members:
            try:
                return member(value, path)
            except OutputValidationError as exc:
                errors.append(exc)
        deeper = [e for e in errors if e.path != path]
        if len(deeper) == 1:  # the one member the value looked like: its error says the most
            raise deeper[0]
        raise _fail(path, names, value)

    return convert


def value_decoder(tp: Any) -> Decode:
    """Return a function that builds a *tp* from decoded JSON (checked against it)."""
    convert = _converter(tp)
    return lambda value: convert(value, "$")


def arguments_decoder(types: Dict[str, Any]) -> Decode:
    """Return a function that builds a dict of a function's arguments from decoded JSON."""

    plan = [(name, _key_path("$", name), _converter(tp)) for name, tp in types.items()]

    def decode(value: Any) -> Dict[str, Any]:
        if type(value) is not dict:
            raise _fail("$", "an object", value)
        arguments: Dict[str, Any] = {}
        for name, where, convert in plan:
            if name not in value:
                raise OutputValidationError(where, "missing")
            arguments[name] = convert(value[name], where)
        return arguments

    return decode


def _any_object(value: Any) -> Any:
    if type(value) is not dict:
        raise _fail("$", "an object", value)
    return value


def parse_json(text: Optional[str], decode: Decode) -> Any:
    """Decode the model's JSON *text* with *decode*; any failure is an OutputValidationError."""
    try:
        value = json.loads(text or "")
    except (ValueError, RecursionError):
        raise OutputValidationError("$", "expected JSON, got text that does not parse", text) from None
    try:
        return decode(value)
    except OutputValidationError as exc:
        exc.content = (text or "")[:1000]
        raise
    except RecursionError:
        raise OutputValidationError("$", "the JSON is nested too deeply", text) from None


# -- requests ------------------------------------------------------------------------


#: The schema of each format type, built once (it is only read: encoded into request bodies).
_schemas: weakref.WeakKeyDictionary[Any, Dict[str, Any]] = weakref.WeakKeyDictionary()


def _format_type(tp: Any, name: str) -> Tuple[str, Dict[str, Any]]:
    if not (isinstance(tp, type) and dataclasses.is_dataclass(tp)):
        raise TypeError(f"{name} must be a dataclass (its fields give the JSON's keys), not {tp!r}")
    schema = _schemas.get(tp)
    if schema is None:
        schema = _schemas[tp] = json_schema(tp)
    return schema_name(tp.__name__), schema


def _tools(tools: Any, api: str) -> Tuple[List[Any], Dict[str, Decode]]:
    """Put function tools in the shape of *api*; return them and the decoders of strict ones."""
    if isinstance(tools, (str, bytes, Mapping)) or not hasattr(tools, "__iter__"):
        raise TypeError(f"tools must be a list of tools, not {type(tools).__name__}")
    sent: List[Any] = []
    decoders: Dict[str, Decode] = {}
    for i, tool in enumerate(tools):
        if isinstance(tool, FunctionTool):
            sent.append(tool.chat_tool() if api == "chat" else tool.responses_tool())
            decoders[tool.name] = tool.decode
            continue
        if not isinstance(tool, Mapping) and (isinstance(tool, type) or callable(tool)):
            raise TypeError(f"tools[{i}]: wrap {tool!r} in openai_lite.function_tool() first")
        sent.append(tool)
        if isinstance(tool, Mapping) and tool.get("type") == "function":
            spec = tool.get("function") if api == "chat" else tool
            if isinstance(spec, Mapping) and spec.get("strict") is True and isinstance(spec.get("name"), str):
                decoders[spec["name"]] = _any_object
    return sent, decoders


def chat_request(body: Dict[str, Any], *, parse: bool) -> Optional[ChatParser]:
    """Turn a type in ``response_format`` and function tools in *body* into JSON, in place.

    :returns: the parser of the answer when *parse* (``chat.parse``, ``chat.stream``).
    :raises TypeError: for a type in ``response_format`` when not *parse* (``chat.create``).
    """
    fmt = body.get("response_format")
    fmt_type = None
    if isinstance(fmt, type):
        if not parse:
            raise TypeError(
                "response_format: a dataclass is decoded by chat.parse or chat.stream; "
                "chat.create takes the response_format object (see openai_lite.json_schema)"
            )
        name, schema = _format_type(fmt, "response_format")
        body["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": name, "schema": schema, "strict": True},
        }
        fmt_type = fmt
    decoders: Dict[str, Decode] = {}
    if body.get("tools") is not None:
        body["tools"], decoders = _tools(body["tools"], "chat")
    return ChatParser(fmt_type, decoders) if parse else None


def responses_request(body: Dict[str, Any], *, parse: bool) -> Optional[ResponsesParser]:
    """Merge ``text_format`` into ``text`` and put function tools in the Responses shape, in place.

    :returns: the parser of the answer when *parse* (``responses.parse``, ``responses.stream``).
    """
    fmt = body.pop("text_format", None)
    if fmt is not None:
        name, schema = _format_type(fmt, "text_format")
        text = body.get("text") or {}
        if not isinstance(text, Mapping):
            raise TypeError(f"text must be a mapping, not {type(text).__name__}")
        if text.get("format") is not None:
            raise ValueError("text_format and text['format'] both give the format: pass one of them")
        text_format = {"type": "json_schema", "name": name, "schema": schema, "strict": True}
        body["text"] = {**text, "format": text_format}
    decoders: Dict[str, Decode] = {}
    if body.get("tools") is not None:
        body["tools"], decoders = _tools(body["tools"], "responses")
    return ResponsesParser(fmt, decoders) if parse else None


# -- answers -------------------------------------------------------------------------


class ChatParser:
    """Decodes a chat completion's content and strict tool calls, raising for a cut answer."""

    def __init__(self, fmt: Any, tools: Dict[str, Decode]) -> None:
        self.decode = value_decoder(fmt) if fmt is not None else None
        self.tools = tools

    def __call__(self, completion: Any) -> Any:
        for choice in completion.choices:
            if choice.finish_reason == "length":
                raise LengthFinishReasonError(completion)
            if choice.finish_reason == "content_filter":
                raise ContentFilterFinishReasonError(completion)
        for choice in completion.choices:
            message = choice.message
            if self.decode is not None and message.content is not None and not message.refusal:
                object.__setattr__(message, "_parsed", parse_json(message.content, self.decode))
            for call in message.tool_calls or ():
                function = call.function
                decode = self.tools.get(function.name) if function is not None else None
                if decode is not None:
                    object.__setattr__(function, "_parsed_arguments", parse_json(function.arguments, decode))
        return completion


class ResponsesParser:
    """Decodes a response's output text and strict function calls, raising for a cut answer."""

    def __init__(self, fmt: Any, tools: Dict[str, Decode]) -> None:
        self.decode = value_decoder(fmt) if fmt is not None else None
        self.tools = tools

    def __call__(self, response: Any) -> Any:
        if response.status == "incomplete":
            reason = getattr(response.incomplete_details, "reason", None)
            if reason == "max_output_tokens":
                raise LengthFinishReasonError(response)
            if reason == "content_filter":
                raise ContentFilterFinishReasonError(response)
        decode = self.decode
        for item in response.output:
            if isinstance(item, ResponseFunctionToolCall):
                self.call(item)
            elif decode is not None and isinstance(item, ResponseOutputMessage):
                text = next((p.text for p in item.content if isinstance(p, ResponseOutputText)), None)
                if text is not None:
                    object.__setattr__(response, "_output_parsed", parse_json(text, decode))
                    decode = None  # the first output text is the answer
        return response

    def call(self, item: ResponseFunctionToolCall) -> None:
        decode = self.tools.get(item.name or "")
        if decode is not None:
            object.__setattr__(item, "_parsed_arguments", parse_json(item.arguments, decode))

    def events(self, decode: Callable[[Any], Any]) -> Callable[[Any], Any]:
        """Wrap a stream's event decoder: the final response and done function calls get parsed."""

        def decode_and_parse(sse: Any) -> Any:
            event = decode(sse)
            kind = getattr(event, "type", None)
            if kind in ("response.completed", "response.incomplete"):
                self(event.response)
            elif kind == "response.output_item.done" and isinstance(event.item, ResponseFunctionToolCall):
                self.call(event.item)
            return event

        return decode_and_parse
