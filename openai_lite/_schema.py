"""Strict JSON Schemas from Python types, and function tools from typed functions.

Structured outputs and strict function tools accept a subset of JSON Schema: every object
lists all its properties in ``required`` and sets ``additionalProperties: false``, an
optional value is a union with null, and a type that refers to itself does so through
``$defs``. :func:`json_schema` builds that subset from dataclasses and the plain types
they hold; a type the subset cannot express (a free-form mapping, a set) is refused with
an error naming the field, before anything is sent.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import datetime
import enum
import inspect
import re
import typing
from typing import Any, Callable, Dict, List, Literal, Optional, Tuple, Union, get_args, get_origin

from ._model import json_key

__all__ = ["json_schema", "function_tool", "FunctionTool", "type_hints", "json_key", "schema_name"]

_NONE = type(None)
_LISTS = (list, List, collections.abc.Sequence, typing.Sequence, collections.abc.MutableSequence)
_MAPPINGS = (dict, Dict, collections.abc.Mapping, collections.abc.MutableMapping)
_SETS = (set, frozenset, collections.abc.Set, collections.abc.MutableSet)
_SCALARS = {str: "string", int: "integer", float: "number", bool: "boolean"}


def type_hints(owner: Any) -> Dict[str, Any]:
    """Return the evaluated annotations of a dataclass or function, or raise TypeError."""
    try:
        return typing.get_type_hints(owner)
    except Exception as exc:  # noqa: BLE001  (NameError, or a bad annotation in user code)
        name = getattr(owner, "__qualname__", repr(owner))
        raise TypeError(f"{name}: its type annotations cannot be evaluated ({exc})") from None


def schema_name(name: str) -> str:
    """Turn a Python name into a schema or function name the API accepts (``[A-Za-z0-9_-]{1,64}``)."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", name)[:64] or "schema"


def _own_doc(obj: Any) -> Optional[str]:
    """The docstring written for *obj* (not the signature dataclasses make up), cleaned."""
    doc = obj.__dict__.get("__doc__") if isinstance(obj, type) else getattr(obj, "__doc__", None)
    if not doc or (_is_dataclass(obj) and doc.startswith(obj.__name__ + "(")):
        return None
    return inspect.cleandoc(doc)


def _with_description(schema: Dict[str, Any], description: Any) -> Dict[str, Any]:
    if not description:
        return schema
    if "$ref" in schema:  # a reference takes no sibling keywords: wrap it
        return {"anyOf": [schema], "description": str(description)}
    return {**schema, "description": str(description)}


class _Builder:
    """Builds one schema; the dataclasses met on the way go to ``$defs`` under unique names."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.defs: Dict[str, Dict[str, Any]] = {}
        self.names: Dict[Any, str] = {}

    def build(self) -> Dict[str, Any]:
        if _is_dataclass(self.root):
            schema = self.object(self.root)
        else:
            schema = self.schema(self.root, _type_name(self.root))
        if self.defs:
            schema["$defs"] = self.defs
        return schema

    def object(self, cls: Any) -> Dict[str, Any]:
        hints = type_hints(cls)
        properties: Dict[str, Any] = {}
        for field in dataclasses.fields(cls):
            if not field.init:
                continue
            where = f"{cls.__name__}.{field.name}"
            schema = self.schema(hints[field.name], where)
            properties[json_key(field)] = _with_description(schema, field.metadata.get("description"))
        schema = {
            "type": "object",
            "properties": properties,
            "required": list(properties),
            "additionalProperties": False,
        }
        return _with_description(schema, _own_doc(cls))

    def schema(self, tp: Any, where: str) -> Dict[str, Any]:
        if tp in _SCALARS:
            return {"type": _SCALARS[tp]}
        if tp is _NONE or tp is None:
            return {"type": "null"}
        if tp is datetime.datetime:
            return {"type": "string", "format": "date-time"}
        if tp is datetime.date:
            return {"type": "string", "format": "date"}
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            values = [member.value for member in tp]
            return _enum(values, where, tp.__name__)
        if _is_dataclass(tp):
            return self.reference(tp)
        origin, args = get_origin(tp), get_args(tp)
        if origin is Literal:
            return _enum(list(args), where, repr(tp))
        if origin is Union:
            return self.union(args, where)
        if origin in _LISTS or (origin is tuple and len(args) == 2 and args[1] is Ellipsis):
            if not args:
                raise TypeError(f"{where}: a list needs an item type (List[X]) in a strict schema")
            return {"type": "array", "items": self.schema(args[0], f"{where}[]")}
        if tp in _MAPPINGS or origin in _MAPPINGS:
            raise TypeError(
                f"{where}: {_type_name(tp)} cannot be expressed in a strict JSON schema, which "
                "declares every key; use a dataclass, or a list of dataclasses with a key field"
            )
        if tp in _SETS or origin in _SETS:
            raise TypeError(
                f"{where}: {_type_name(tp)} cannot be expressed in a strict JSON schema; use List"
            )
        raise TypeError(f"{where}: {_type_name(tp)} cannot be expressed in a strict JSON schema")

    def reference(self, cls: Any) -> Dict[str, Any]:
        if cls is self.root:
            return {"$ref": "#"}
        name = self.names.get(cls)
        if name is None:
            name = base = schema_name(cls.__name__)
            count = 1
            while name in self.defs:
                count += 1
                name = f"{base}{count}"
            self.names[cls] = name
            self.defs[name] = {}  # taken, so that a class that contains itself refers to it
            self.defs[name] = self.object(cls)
        return {"$ref": f"#/$defs/{name}"}

    def union(self, args: Tuple[Any, ...], where: str) -> Dict[str, Any]:
        members = [a for a in args if a is not _NONE]
        schemas = [self.schema(m, where) for m in members]
        if len(members) < len(args):
            simple = schemas[0] if len(schemas) == 1 else {}
            if isinstance(simple.get("type"), str) and set(simple) <= {"type", "format"}:
                return {**simple, "type": [simple["type"], "null"]}
            schemas.append({"type": "null"})
        return {"anyOf": schemas}


def _enum(values: List[Any], where: str, name: str) -> Dict[str, Any]:
    types: List[str] = []
    for value in values:
        kind = "null" if value is None else _SCALARS.get(type(value))
        if kind is None:
            raise TypeError(f"{where}: the values of {name} must be strings, numbers, booleans or None")
        if kind not in types:
            types.append(kind)
    return {"type": types[0] if len(types) == 1 else types, "enum": values}


def _is_dataclass(tp: Any) -> bool:
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


def _type_name(tp: Any) -> str:
    if isinstance(tp, type) and get_origin(tp) is None and not get_args(tp):
        return tp.__name__
    return repr(tp).replace("typing.", "")


def json_schema(tp: Any) -> Dict[str, Any]:
    """Return the strict JSON Schema of *tp*, as structured outputs and strict tools take it.

    *tp* is a dataclass (its fields may hold dataclasses, themselves included), or one of
    ``str``, ``int``, ``float``, ``bool``, ``Optional``, ``Union``, ``List`` / ``Sequence``,
    ``Literal``, an :class:`enum.Enum`, ``datetime`` or ``date`` (strings with a format).
    Every field is required, as strict mode demands: a field that may be absent is
    ``Optional``, and the model sends null for it. ``field(metadata={"description": ...})``
    describes a field, and a class's own docstring the object.

    :raises TypeError: for a type strict mode cannot express (``Dict[str, X]``, a set,
        ``Any``), naming the field.

    https://platform.openai.com/docs/guides/structured-outputs#supported-schemas
    """
    return _Builder(tp).build()


# -- function tools ------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class FunctionTool:
    """A strict function tool, sent by the chat and the responses functions in their own shape.

    ``fn`` is what it was made from: a function, or a dataclass whose instance the model's
    arguments become.
    """

    name: str
    description: Optional[str]
    parameters: Dict[str, Any] = dataclasses.field(repr=False)
    fn: Any = dataclasses.field(repr=False, compare=False)
    #: Turns the model's decoded JSON arguments into a dict of the parameters, or the dataclass.
    decode: Callable[[Any], Any] = dataclasses.field(repr=False, compare=False)

    def chat_tool(self) -> Dict[str, Any]:
        """The tool as the Chat Completions API takes it."""
        function: Dict[str, Any] = {"name": self.name}
        if self.description:
            function["description"] = self.description
        function.update(parameters=self.parameters, strict=True)
        return {"type": "function", "function": function}

    def responses_tool(self) -> Dict[str, Any]:
        """The tool as the Responses API takes it."""
        return {
            "type": "function",
            "name": self.name,
            "description": self.description,
            "parameters": self.parameters,
            "strict": True,
        }


_PARAM_DOC = re.compile(r"^\s*:param\s+(?:[^:\s]+\s+)?(\w+):\s*(.*)$")


def _param_docs(doc: Optional[str]) -> Dict[str, str]:
    """The ``:param name: text`` lines of a reST docstring (continuation lines joined)."""
    found: Dict[str, str] = {}
    current: Optional[str] = None
    for line in (doc or "").splitlines():
        match = _PARAM_DOC.match(line)
        if match:
            current = match.group(1)
            found[current] = match.group(2).strip()
        elif current and line.startswith((" ", "\t")) and line.strip() and not line.strip().startswith(":"):
            found[current] += " " + line.strip()
        else:
            current = None
    return found


def function_tool(
    fn: Any, *, name: Optional[str] = None, description: Optional[str] = None
) -> FunctionTool:
    """Make a strict function tool from a typed function (or a dataclass).

    The name is the function's, the description the first line of its docstring, and the
    parameters come from its signature: each annotated with a type :func:`json_schema`
    accepts, described by a ``:param name:`` line of the docstring. A tool call's
    ``parsed_arguments`` is then a dict of the parameters, converted to their types
    (``fn(**call.parsed_arguments)`` calls it); for a dataclass, an instance.

    :raises TypeError: for ``*args``, ``**kwargs``, a positional-only or unannotated
        parameter, or a type strict mode cannot express.

    https://platform.openai.com/docs/guides/function-calling#strict-mode
    """
    from ._structured import arguments_decoder, value_decoder

    doc = _own_doc(fn)
    summary = description or (doc.split("\n\n", 1)[0].replace("\n", " ").strip() if doc else None)
    if _is_dataclass(fn):
        return FunctionTool(
            name or schema_name(fn.__name__), summary, json_schema(fn), fn, value_decoder(fn)
        )
    if not callable(fn):
        raise TypeError(f"fn must be a function or a dataclass, not {type(fn).__name__}")
    fn_name = getattr(fn, "__name__", type(fn).__name__)
    hints = type_hints(fn)
    signature = inspect.signature(fn)
    docs = _param_docs(doc)
    builder = _Builder(None)
    properties: Dict[str, Any] = {}
    types: Dict[str, Any] = {}
    for param in signature.parameters.values():
        if param.kind not in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY):
            raise TypeError(f"{fn_name}: parameter {param.name} must be passable by keyword")
        if param.name not in hints:
            raise TypeError(f"{fn_name}: parameter {param.name} needs a type annotation")
        schema = builder.schema(hints[param.name], f"{fn_name}.{param.name}")
        properties[param.name] = _with_description(schema, docs.get(param.name))
        types[param.name] = hints[param.name]
    parameters: Dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if builder.defs:
        parameters["$defs"] = builder.defs
    return FunctionTool(name or schema_name(fn_name), summary, parameters, fn, arguments_decoder(types))
