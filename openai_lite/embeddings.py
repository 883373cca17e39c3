"""The Embeddings API.

https://platform.openai.com/docs/api-reference/embeddings
"""

from __future__ import annotations

import binascii
import sys
from array import array
from base64 import b64decode
from dataclasses import dataclass
from typing import TYPE_CHECKING, List, Literal, Optional, Sequence, Union

import requests

from ._errors import APIResponseValidationError
from ._model import Model
from ._request import _request, body_of
from ._response import ApiResponse

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._request import RequestOptions

__all__ = ["Embedding", "EmbeddingUsage", "CreateEmbeddingResponse", "create"]

_BIG_ENDIAN = sys.byteorder == "big"


@dataclass
class Embedding(Model):
    """One embedding vector: floats, or the base64 string when ``encoding_format="base64"`` was asked."""

    index: int
    embedding: Union[List[float], str]
    object: str = "embedding"


@dataclass
class EmbeddingUsage(Model):
    """The tokens the request used."""

    prompt_tokens: Optional[int] = None
    total_tokens: Optional[int] = None


@dataclass
class CreateEmbeddingResponse(Model):
    """The embeddings of the inputs, in input order."""

    data: List[Embedding]
    model: Optional[str] = None
    object: str = "list"
    usage: Optional[EmbeddingUsage] = None


def create(
    session: requests.Session,
    *,
    input: Union[str, Sequence[str], Sequence[int], Sequence[Sequence[int]]],
    model: str,
    dimensions: Optional[int] = None,
    encoding_format: Optional[Literal["float", "base64"]] = None,
    user: Optional[str] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[CreateEmbeddingResponse]:
    """Embed a string, strings, a list of tokens, or lists of tokens.

    Without ``encoding_format`` the vectors travel as base64 (a quarter of the size of the
    JSON floats) and come back as lists of floats; an explicit ``encoding_format`` is sent
    and returned as the API answers it.

    https://platform.openai.com/docs/api-reference/embeddings/create
    """
    body = body_of(locals())
    if isinstance(input, (bytes, bytearray)) or not isinstance(input, (str, Sequence)):
        raise TypeError(f"input must be a string or a list of strings or tokens, not {type(input).__name__}")
    if not input:
        raise ValueError("input must not be empty")
    if encoding_format not in (None, "float", "base64"):
        raise ValueError(f"encoding_format must be 'float' or 'base64', not {encoding_format!r}")
    if encoding_format is None:
        body["encoding_format"] = "base64"
    resp: ApiResponse[CreateEmbeddingResponse] = _request(
        session, "POST", "/embeddings", json_body=body, into=CreateEmbeddingResponse, **options
    )
    if encoding_format is None and resp.ok:
        _decode_base64(resp)
    return resp


def _decode_base64(resp: ApiResponse[CreateEmbeddingResponse]) -> None:
    """Replace each base64 embedding of *resp* with its list of floats, in place."""
    for item in resp.data.data:
        value = item.embedding
        if isinstance(value, list):
            continue  # a server that ignored encoding_format: already floats
        try:
            floats = array("f")
            floats.frombytes(b64decode(value, validate=True))
        except (binascii.Error, ValueError, TypeError) as exc:
            raise APIResponseValidationError(
                f"Embedding {item.index} is not base64 float32 data ({exc})",
                status_code=resp.status_code,
                body=resp.raw.content,
                request_id=resp.request_id,
            ) from None
        if _BIG_ENDIAN:
            floats.byteswap()
        item.embedding = floats.tolist()
