"""The base of response dataclasses, and their fast decoder.

dataclasses-json decodes by inspecting every field on every call, which costs about 0.4 ms
for a small chat completion. Here each class gets a decoder built once, on first use, from
its type hints: a small function of straight-line code, one statement per field, compiled
for that class. Plain values need no converter at all, so a list of 1536 floats is taken
as it is.

The decoder is lenient where the API grows and strict where the shape is wrong: unknown
keys are dropped, missing optional fields are None, unknown enum strings pass through, and
a value of the wrong structure (an object where a list belongs) raises :class:`DecodeError`.
``to_dict``, ``to_json`` and ``schema`` are dataclasses-json's own, imported when first used.
"""

from __future__ import annotations

import dataclasses
import json
from typing import (
    Any,
    Callable,
    Dict,
    List,
    Literal,
    Mapping,
    Optional,
    Type,
    TypeVar,
    Union,
    cast,
    get_args,
    get_origin,
    get_type_hints,
)

__all__ = ["Model", "DecodeError", "json_name", "decoder_for"]

M = TypeVar("M", bound="Model")
Converter = Optional[Callable[[Any], Any]]


class DecodeError(ValueError):
    """A JSON value does not have the structure its dataclass field declares."""


def json_name(name: str) -> Dict[str, Any]:
    """Field metadata for a JSON key that is not a Python name (``"self-harm/intent"``).

    The metadata is the one dataclasses-json reads, so ``to_dict`` writes the same key.
    """
    return {"dataclasses_json": {"letter_case": lambda _field, _key=name: _key}}


class Model:
    """A response dataclass: decodes fast, and speaks dataclasses-json's interface."""

    @classmethod
    def from_dict(cls: Type[M], kvs: Mapping[str, Any], *, infer_missing: bool = False) -> M:
        """Build an instance from decoded JSON; ``infer_missing`` is accepted and ignored."""
        return cast(M, decoder_for(cls)(kvs))

    @classmethod
    def from_json(cls: Type[M], s: Union[str, bytes], **kwargs: Any) -> M:
        """Build an instance from a JSON document."""
        return cls.from_dict(json.loads(s, **kwargs))

    def to_dict(self, encode_json: bool = False) -> Dict[str, Any]:
        """Return the fields as a dict under their JSON names (dataclasses-json's ``to_dict``)."""
        from dataclasses_json import DataClassJsonMixin

        return DataClassJsonMixin.to_dict(cast(Any, self), encode_json=encode_json)

    def to_json(self, **kwargs: Any) -> str:
        """Return the fields as JSON (dataclasses-json's ``to_json``)."""
        from dataclasses_json import DataClassJsonMixin

        return DataClassJsonMixin.to_json(cast(Any, self), **kwargs)

    @classmethod
    def schema(cls, **kwargs: Any) -> Any:
        """Return a marshmallow schema of the class (dataclasses-json's ``schema``)."""
        from dataclasses_json import DataClassJsonMixin

        return DataClassJsonMixin.schema.__func__(cls, **kwargs)  # type: ignore[attr-defined]


_NONE = type(None)
_PLAIN = (str, int, float, bool, object, Any, _NONE)
_decoders: Dict[Any, Callable[[Any], Any]] = {}
_MISSING: Any = object()


def decoder_for(cls: Type[Any]) -> Callable[[Any], Any]:
    """Return the decoder of dataclass *cls*, building it on first use."""
    decoder = _decoders.get(cls)
    if decoder is None:
        decoder = _dataclass_decoder(cls)
    return decoder


def _dataclass_decoder(cls: Type[Any]) -> Callable[[Any], Any]:
    """Build the decoder of *cls* as straight-line Python, one statement per field.

    For a class with a required ``id``, a list of ``choices`` and an optional ``model``, the
    source reads::

        def decode(value):
            if type(value) is not dict:
                value = as_object(value)
            try:
                f0 = value['id']
                f1 = value['choices']
            except KeyError:
                raise missing(value) from None
            if f1 is not None:
                f1 = c1(f1)
            get = value.get
            return cls(id=f0, choices=f1, model=get('model'))
    """
    name = cls.__name__
    # Registered first, so that a class that contains itself finds a decoder to call.
    built: List[Callable[[Any], Any]] = []
    _decoders[cls] = lambda value: built[0](value)
    hints = get_type_hints(cls)
    required: List[str] = []
    namespace: Dict[str, Any] = {"cls": cls, "MISSING": _MISSING}
    fetch: List[str] = []  # reading the required fields, inside try
    convert: List[str] = []  # reading and converting the others
    args: List[str] = []
    for i, field in enumerate(f for f in dataclasses.fields(cls) if f.init):
        rename = field.metadata.get("dataclasses_json", {}).get("letter_case")
        key = rename(field.name) if rename else field.name
        lit, var = repr(key), f"f{i}"
        converter = _converter(hints[field.name], f"{name}.{field.name}")
        namespace[f"c{i}"] = converter
        if field.default_factory is not dataclasses.MISSING:
            namespace[f"d{i}"] = field.default_factory
            default = f"d{i}()"
        elif field.default is not dataclasses.MISSING:
            namespace[f"d{i}"] = field.default
            default = "None" if field.default is None else f"d{i}"
        else:
            default = ""
        conversion = [f"if {var} is not None:", f"    {var} = c{i}({var})"] if converter else []
        if not default:
            required.append(key)
            fetch.append(f"{var} = value[{lit}]")
            convert += conversion
        elif converter is None:
            var = f"get({lit})" if default == "None" else f"get({lit}, {default})"
            if default.endswith("()"):  # a factory is called only when the key is absent
                var = f"value[{lit}] if {lit} in value else {default}"
        elif default == "None":
            convert += [f"{var} = get({lit})"] + conversion
        else:
            convert += [f"{var} = get({lit}, MISSING)", f"if {var} is MISSING:", f"    {var} = {default}"]
            convert += ["el" + conversion[0], conversion[1]]
        args.append(f"{field.name}={var}")

    def as_object(value: Any) -> Dict[str, Any]:
        if isinstance(value, Mapping):
            return dict(value)
        raise DecodeError(f"{name}: expected an object, got {type(value).__name__}")

    def missing(value: Dict[str, Any]) -> DecodeError:
        absent = [k for k in required if k not in value]
        return DecodeError(f"{name}: missing required field(s) {', '.join(absent)}")

    namespace["as_object"] = as_object
    namespace["missing"] = missing
    lines = ["def decode(value):", "    if type(value) is not dict:", "        value = as_object(value)"]
    if fetch:
        lines += ["    try:"] + [f"        {f}" for f in fetch]
        lines += ["    except KeyError:", "        raise missing(value) from None"]
    lines.append("    get = value.get")
    lines += [f"    {c}" for c in convert]
    lines.append(f"    return cls({', '.join(args)})")
    exec(compile("\n".join(lines), f"<decoder of {cls.__qualname__}>", "exec"), namespace)  # noqa: S102
    decode: Callable[[Any], Any] = namespace["decode"]
    built.append(decode)
    _decoders[cls] = decode
    return decode


def _converter(tp: Any, where: str) -> Converter:
    """Return the function that decodes a JSON value into *tp*, or None when none is needed."""
    if tp in _PLAIN:
        return None
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return decoder_for(tp)
    origin = get_origin(tp)
    args = get_args(tp)
    if origin is Literal:
        return None
    if origin is Union:
        members = [a for a in args if a is not _NONE]
        if len(members) == 1:
            return _converter(members[0], where)
        return _union(members, where)
    if origin in (list, List):
        return _list(_converter(args[0], where) if args else None, where, _nullable(args[:1]))
    if origin in (dict, Dict):
        return _dict(_converter(args[1], where) if args else None, where, _nullable(args[1:]))
    return None


def _nullable(args: Any) -> bool:
    """Tell whether the item type of a list or dict admits null."""
    return not args or args[0] in _PLAIN or _NONE in get_args(args[0])


def _list(item: Converter, where: str, nullable: bool) -> Callable[[Any], Any]:
    def decode(value: Any) -> Any:
        if type(value) is not list:
            raise DecodeError(f"{where}: expected a list, got {type(value).__name__}")
        if item is None:
            return value
        if not nullable and None in value:
            raise DecodeError(f"{where}: expected a list of objects, got a null item")
        return [None if v is None else item(v) for v in value]

    return decode


def _dict(item: Converter, where: str, nullable: bool) -> Callable[[Any], Any]:
    def decode(value: Any) -> Any:
        if type(value) is not dict:
            raise DecodeError(f"{where}: expected an object, got {type(value).__name__}")
        if item is None:
            return value
        if not nullable and None in value.values():
            raise DecodeError(f"{where}: expected an object of objects, got a null value")
        return {k: None if v is None else item(v) for k, v in value.items()}

    return decode


def _union(members: List[Any], where: str) -> Converter:
    """Decode a union: dataclass members are told apart by their ``type`` literal."""
    classes: List[Type[Any]] = [m for m in members if isinstance(m, type) and dataclasses.is_dataclass(m)]
    if not classes:
        # Lists of dataclasses inside a union with plain members (``Union[str, List[Part]]``).
        lists = [_converter(m, where) for m in members if get_origin(m) in (list, List)]
        as_list = next((c for c in lists if c is not None), None)
        if as_list is None:
            return None
        return lambda value: as_list(value) if type(value) is list else value
    by_type: Dict[str, Callable[[Any], Any]] = {}
    for cls in classes:
        hint = get_type_hints(cls).get("type")
        if hint is not None and get_origin(hint) is Literal:
            for tag in get_args(hint):
                by_type[tag] = decoder_for(cls)
    only = decoder_for(classes[0]) if len(classes) == 1 else None

    def decode(value: Any) -> Any:
        if type(value) is not dict:
            return value
        tag = value.get("type")
        found = by_type.get(tag) if isinstance(tag, str) else None
        if found is not None:
            return found(value)
        if only is not None:
            return only(value)
        return value  # a variant newer than this library: kept as the raw dict

    return decode
