"""The base of response dataclasses, their fast decoder, and their exact encoder.

dataclasses-json decodes by inspecting every field on every call, which costs about 0.4 ms
for a small chat completion. Here each class gets a decoder built once, on first use, from
its type hints: a small function of straight-line code, one statement per field, compiled
for that class. Plain values need no converter at all, so a list of 1536 floats is taken
as it is.

Every instance keeps the JSON object it was decoded from. The keys its class does not
declare stay reachable (:attr:`Model.model_extra`, and as attributes), and
:meth:`Model.to_dict` gives back exactly the keys the server sent, explicit nulls included,
with the fields' current values: what came in is what goes out when a response object is
passed back in a request.

The decoder is lenient where the API grows and strict on the backbone. Missing optional
fields are None, unknown enum strings pass through, and a value of an optional field whose
shape differs from its declared type is kept as it came (and logged at DEBUG). A required
field that is missing or of the wrong structure raises :class:`DecodeError`.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    List,
    Literal,
    Mapping,
    Optional,
    Tuple,
    Type,
    TypeVar,
    Union,
    cast,
    get_args,
    get_origin,
    get_type_hints,
)

__all__ = ["Model", "JSONObject", "DecodeError", "json_name", "json_key", "decoder_for", "encode"]

M = TypeVar("M", bound="Model")
Converter = Optional[Callable[[Any], Any]]

_log = logging.getLogger("openai_lite")


class DecodeError(ValueError):
    """A JSON value does not have the structure its dataclass field declares."""


def json_name(name: str) -> Dict[str, Any]:
    """Field metadata for a JSON key that is not a Python name (``"self-harm/intent"``).

    The metadata is the one dataclasses-json reads, so its schema uses the same key.
    """
    return {"dataclasses_json": {"letter_case": lambda _field, _key=name: _key}}


def json_key(field: dataclasses.Field[Any]) -> str:
    """The JSON key of a dataclass field: its name, or the one :func:`json_name` gives it."""
    rename = field.metadata.get("dataclasses_json", {}).get("letter_case")
    return str(rename(field.name)) if rename else field.name


class Model:
    """A response dataclass: decodes fast, keeps what it does not declare, encodes exactly.

    ``model_extra`` holds the keys of the JSON object that the class does not declare, as
    they came; each is also an attribute (an object is wrapped in a :class:`JSONObject`, so
    its own keys are attributes too). ``to_dict()`` is the JSON object again.
    """

    # Set on each decoded instance: the JSON object it came from, and the extra keys once read.
    _json: Optional[Dict[str, Any]]
    _extra: Optional[Dict[str, Any]]

    @classmethod
    def from_dict(cls: Type[M], kvs: Mapping[str, Any], *, infer_missing: bool = False) -> M:
        """Build an instance from decoded JSON; ``infer_missing`` is accepted and ignored."""
        return cast(M, decoder_for(cls)(kvs))

    @classmethod
    def from_json(cls: Type[M], s: Union[str, bytes], **kwargs: Any) -> M:
        """Build an instance from a JSON document."""
        return cls.from_dict(json.loads(s, **kwargs))

    @property
    def model_extra(self) -> Dict[str, Any]:
        """The keys of the JSON object that this class does not declare, as they came.

        The mapping is the instance's own: a key set or removed here is sent (or not) when
        the object goes back to the API.
        """
        extra: Optional[Dict[str, Any]] = self.__dict__.get("_extra")
        if extra is None:
            raw = self.__dict__.get("_json")
            declared = _layout(type(self))[1]
            extra = {} if raw is None else {k: v for k, v in raw.items() if k not in declared}
            self.__dict__["_extra"] = extra
        return extra

    if not TYPE_CHECKING:  # type checkers keep telling a misspelt field from an undeclared key

        def __getattr__(self, name: str) -> Any:
            # Reached only for names that are neither fields nor methods: the undeclared keys.
            if name.startswith("__") or name in ("_json", "_extra"):
                raise AttributeError(name)
            extra = self.model_extra
            if name in extra:
                return _wrap(extra[name])
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def to_dict(self, encode_json: bool = False) -> Dict[str, Any]:
        """Return the object as JSON: the keys the server sent (nulls included) and the
        undeclared ones, with the fields' current values; for an object built in Python,
        its fields that are not None."""
        return encode(self)

    def to_json(self, **kwargs: Any) -> str:
        """Return :meth:`to_dict` as a JSON document (``kwargs`` go to :func:`json.dumps`)."""
        return json.dumps(self.to_dict(), **kwargs)

    @classmethod
    def schema(cls, **kwargs: Any) -> Any:
        """Return a marshmallow schema of the class (dataclasses-json's ``schema``)."""
        from dataclasses_json import DataClassJsonMixin

        return DataClassJsonMixin.schema.__func__(cls, **kwargs)  # type: ignore[attr-defined]


class JSONObject(Model):
    """A JSON object of a shape this library does not model, with its keys as attributes.

    ``to_dict()`` (and ``model_extra``) is the object itself; two are equal when their
    JSON is.
    """

    def __init__(self, value: Optional[Mapping[str, Any]] = None) -> None:
        self._json = dict(value) if value is not None and type(value) is not dict else value or {}

    def __eq__(self, other: object) -> bool:
        if isinstance(other, JSONObject):
            return self.to_dict() == other.to_dict()
        return NotImplemented

    def __repr__(self) -> str:
        return f"JSONObject({self.to_dict()!r})"


def _wrap(value: Any) -> Any:
    """Give an undeclared value attribute access: objects (also inside lists) become JSONObjects."""
    if type(value) is dict:
        return JSONObject(value)
    if type(value) is list and any(type(v) is dict for v in value):
        return [_wrap(v) for v in value]
    return value


# What encode needs of a class: (JSON key, attribute, default) of each field, and the
# attribute of each JSON key.
Layout = Tuple[List[Tuple[str, str, Any]], Dict[str, str]]
_layouts: Dict[type, Layout] = {}


def _layout(cls: type) -> Layout:
    found = _layouts.get(cls)
    if found is None:
        fields: List[Tuple[str, str, Any]] = []
        if dataclasses.is_dataclass(cls):
            for f in dataclasses.fields(cls):
                if f.init:
                    default = f.default
                    if f.default_factory is not dataclasses.MISSING:
                        default = f.default_factory()
                    fields.append((json_key(f), f.name, default))
        found = _layouts[cls] = (fields, {key: attr for key, attr, _ in fields})
    return found


def encode(obj: Model) -> Dict[str, Any]:
    """Return *obj* as a JSON object; see :meth:`Model.to_dict`."""
    fields, attrs = _layout(type(obj))
    state = obj.__dict__
    raw: Optional[Dict[str, Any]] = state.get("_json")
    extra: Optional[Dict[str, Any]] = state.get("_extra")
    out: Dict[str, Any] = {}
    if raw is not None:
        for key, value in raw.items():
            attr = attrs.get(key)
            if attr is not None:
                out[key] = _encode_value(getattr(obj, attr), value)
            elif extra is None:
                out[key] = value
            elif key in extra:
                out[key] = extra[key]
    for key, attr, default in fields:
        if key not in out:  # not sent by the server
            value = getattr(obj, attr)
            # A decoded object's defaults stand for keys the server left out: they stay out.
            if value is not None and (raw is None or value != default):
                out[key] = _encode_value(value, None)
    if extra:
        for key, value in extra.items():
            if key not in out:
                out[key] = value
    return out


def _encode_value(value: Any, came: Any) -> Any:
    if value is came:
        return value  # untouched since it was decoded, or a plain value: as it came
    if isinstance(value, Model):
        return encode(value)
    if isinstance(value, list):
        return [_encode_value(v, None) for v in value]
    if isinstance(value, dict):
        return {k: _encode_value(v, None) for k, v in value.items()}
    return value


_NONE = type(None)
_PLAIN = (str, int, float, bool, object, Any, _NONE)
_decoders: Dict[Any, Callable[[Any], Any]] = {}
_MISSING: Any = object()


def decoder_for(cls: Type[Any]) -> Callable[[Any], Any]:
    """Return the decoder of dataclass *cls*, building it on first use."""
    decoder = _decoders.get(cls)
    if decoder is None:
        decoder = _json_object if cls is JSONObject else _dataclass_decoder(cls)
    return decoder


def _json_object(value: Any) -> JSONObject:
    if not isinstance(value, Mapping):
        raise DecodeError(f"expected an object, got {type(value).__name__}")
    return JSONObject(value)


def _wrong(where: str, expected: type, value: Any) -> DecodeError:
    kind = "a string" if expected is str else "an integer"
    return DecodeError(f"{where}: expected {kind}, got {type(value).__name__}")


def _kept(where: str, value: Any, exc: DecodeError) -> Any:
    """Keep an optional field's value of an unexpected shape as it came."""
    _log.debug("%s: kept as it came, since %s", where, exc)
    return value


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
            made = cls(id=f0, choices=f1, model=get('model'))
            made._json = value
            return made

    An optional field with a converter reads ``try: f2 = c2(f2)`` and, on a
    :class:`DecodeError`, keeps the value as it came.
    """
    name = cls.__name__
    # Registered first, so that a class that contains itself finds a decoder to call.
    built: List[Callable[[Any], Any]] = []
    _decoders[cls] = lambda value: built[0](value)
    hints = get_type_hints(cls)
    required: List[str] = []
    namespace: Dict[str, Any] = {"cls": cls, "MISSING": _MISSING, "DecodeError": DecodeError, "kept": _kept}
    fetch: List[str] = []  # reading the required fields, inside try
    convert: List[str] = []  # reading and converting the others
    args: List[str] = []
    for i, field in enumerate(f for f in dataclasses.fields(cls) if f.init):
        key = json_key(field)
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
        if converter and not default and _NONE not in get_args(hints[field.name]):
            conversion = [f"{var} = c{i}({var})"]  # a required structure: null is refused too
        if converter and default:  # an optional field: a value of another shape is kept
            namespace[f"w{i}"] = f"{name}.{field.name}"
            conversion = [
                f"if {var} is not None:",
                "    try:",
                f"        {var} = c{i}({var})",
                "    except DecodeError as exc:",
                f"        {var} = kept(w{i}, {var}, exc)",
            ]
        if not default:
            required.append(key)
            fetch.append(f"{var} = value[{lit}]")
            convert += conversion
            plain = hints[field.name]
            if plain in (str, int):  # the library relies on these: ids, indexes
                namespace[f"t{i}"], namespace[f"k{i}"] = plain, f"{name}.{field.name}"
                convert += [f"if type({var}) is not t{i}:", f"    raise wrong(k{i}, t{i}, {var})"]
        elif converter is None:
            var = f"get({lit})" if default == "None" else f"get({lit}, {default})"
            if default.endswith("()"):  # a factory is called only when the key is absent
                var = f"value[{lit}] if {lit} in value else {default}"
        elif default == "None":
            convert += [f"{var} = get({lit})"] + conversion
        else:
            convert += [f"{var} = get({lit}, MISSING)", f"if {var} is MISSING:", f"    {var} = {default}"]
            convert += ["el" + conversion[0]] + conversion[1:]
        args.append(f"{field.name}={var}")

    def as_object(value: Any) -> Dict[str, Any]:
        if isinstance(value, Mapping):
            return dict(value)
        raise DecodeError(f"{name}: expected an object, got {type(value).__name__}")

    def missing(value: Dict[str, Any]) -> DecodeError:
        absent = [k for k in required if k not in value]
        return DecodeError(f"{name}: missing required field(s) {', '.join(absent)}")

    namespace["wrong"] = _wrong
    namespace["as_object"] = as_object
    namespace["missing"] = missing
    lines = ["def decode(value):", "    if type(value) is not dict:", "        value = as_object(value)"]
    if fetch:
        lines += ["    try:"] + [f"        {f}" for f in fetch]
        lines += ["    except KeyError:", "        raise missing(value) from None"]
    lines.append("    get = value.get")
    lines += [f"    {c}" for c in convert]
    lines.append(f"    made = cls({', '.join(args)})")
    lines += ["    made._json = value", "    return made"]
    exec(compile("\n".join(lines), f"<decoder of {cls.__qualname__}>", "exec"), namespace)  # noqa: S102
    decode: Callable[[Any], Any] = namespace["decode"]
    built.append(decode)
    _decoders[cls] = decode
    return decode


def _converter(tp: Any, where: str) -> Converter:
    """Return the function that decodes a JSON value into *tp*, or None when none is needed."""
    if tp in _PLAIN:
        return None
    if isinstance(tp, type) and (dataclasses.is_dataclass(tp) or tp is JSONObject):
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
    """Decode a union: dataclass members are told apart by their ``type`` literal.

    A member whose ``type`` is not a literal (a plain ``str``, or no ``type`` at all, as
    :class:`JSONObject`) takes the objects of every other type: variants newer than this
    library. Without one, such an object stays the dict it came as.
    """
    classes: List[Type[Any]] = [
        m for m in members if isinstance(m, type) and (dataclasses.is_dataclass(m) or m is JSONObject)
    ]
    if not classes:
        # Lists of dataclasses inside a union with plain members (``Union[str, List[Part]]``).
        lists = [_converter(m, where) for m in members if get_origin(m) in (list, List)]
        as_list = next((c for c in lists if c is not None), None)
        if as_list is None:
            return None
        return lambda value: as_list(value) if type(value) is list else value
    by_type: Dict[str, Callable[[Any], Any]] = {}
    fallback: Optional[Callable[[Any], Any]] = None
    for cls in classes:
        hint = get_type_hints(cls).get("type") if cls is not JSONObject else None
        if hint is not None and get_origin(hint) is Literal:
            for tag in get_args(hint):
                by_type[tag] = decoder_for(cls)
        elif fallback is None:
            fallback = decoder_for(cls)
    if fallback is None and len(classes) == 1:
        fallback = decoder_for(classes[0])

    def decode(value: Any) -> Any:
        if type(value) is not dict:
            return value
        tag = value.get("type")
        found = by_type.get(tag) if isinstance(tag, str) else None
        if found is not None:
            return found(value)
        if fallback is not None:
            return fallback(value)
        return value  # a variant newer than this library: kept as the raw dict

    return decode
