"""The Images API: generate images from a prompt, edit images, and make variations of an image.

https://platform.openai.com/docs/api-reference/images
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, List, Literal, Optional, Union

import requests

from ._model import Model
from ._multipart import FileInput
from ._request import _request, body_of, form_of
from ._response import ApiResponse

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._request import RequestOptions

__all__ = [
    "Image",
    "ImagesResponse",
    "ImageGenUsage",
    "ImageGenInputUsageDetails",
    "ImageGenOutputTokensDetails",
    "generate",
    "edit",
    "create_variation",
]


@dataclass
class Image(Model):
    """One image: a URL (valid for 60 minutes) or base64-encoded bytes."""

    url: Optional[str] = None
    b64_json: Optional[str] = None
    revised_prompt: Optional[str] = None


@dataclass
class ImageGenInputUsageDetails(Model):
    """A breakdown of the input tokens."""

    text_tokens: Optional[int] = None
    image_tokens: Optional[int] = None


@dataclass
class ImageGenOutputTokensDetails(Model):
    """A breakdown of the output tokens."""

    image_tokens: Optional[int] = None
    text_tokens: Optional[int] = None


@dataclass
class ImageGenUsage(Model):
    """Token counts of a GPT image model request."""

    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    input_tokens_details: Optional[ImageGenInputUsageDetails] = None
    output_tokens_details: Optional[ImageGenOutputTokensDetails] = None


@dataclass
class ImagesResponse(Model):
    """The images made by a request; the settings used are reported by the GPT image models."""

    data: List[Image]
    created: Optional[int] = None
    usage: Optional[ImageGenUsage] = None
    background: Optional[str] = None
    output_format: Optional[str] = None
    quality: Optional[str] = None
    size: Optional[str] = None


def generate(
    session: requests.Session,
    *,
    prompt: str,
    model: Optional[str] = None,
    n: Optional[int] = None,
    quality: Optional[Literal["standard", "hd", "low", "medium", "high", "auto"]] = None,
    response_format: Optional[Literal["url", "b64_json"]] = None,
    size: Optional[str] = None,
    style: Optional[Literal["vivid", "natural"]] = None,
    user: Optional[str] = None,
    background: Optional[Literal["transparent", "opaque", "auto"]] = None,
    moderation: Optional[Literal["low", "auto"]] = None,
    output_compression: Optional[int] = None,
    output_format: Optional[Literal["png", "jpeg", "webp"]] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[ImagesResponse]:
    """Create images from a text prompt.

    https://platform.openai.com/docs/api-reference/images/create
    """
    body = body_of(locals())
    return _request(session, "POST", "/images/generations", json_body=body, into=ImagesResponse, **options)


def create_variation(
    session: requests.Session,
    *,
    image: FileInput,
    model: Optional[str] = None,
    n: Optional[int] = None,
    response_format: Optional[Literal["url", "b64_json"]] = None,
    size: Optional[Literal["256x256", "512x512", "1024x1024"]] = None,
    user: Optional[str] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[ImagesResponse]:
    """Create variations of a square PNG image (less than 4 MB).

    ``image`` is a path, an open binary file, bytes, or a ``(filename, content[,
    content_type])`` tuple; a path is streamed from disk.

    https://platform.openai.com/docs/api-reference/images/createVariation
    """
    form = form_of(locals(), files=("image",))
    return _request(session, "POST", "/images/variations", form=form, into=ImagesResponse, **options)


def edit(
    session: requests.Session,
    *,
    image: Union[FileInput, List[FileInput]],
    prompt: str,
    mask: Optional[FileInput] = None,
    background: Optional[Literal["transparent", "opaque", "auto"]] = None,
    input_fidelity: Optional[Literal["high", "low"]] = None,
    model: Optional[str] = None,
    n: Optional[int] = None,
    output_compression: Optional[int] = None,
    output_format: Optional[Literal["png", "jpeg", "webp"]] = None,
    quality: Optional[Literal["standard", "low", "medium", "high", "auto"]] = None,
    response_format: Optional[Literal["url", "b64_json"]] = None,
    size: Optional[str] = None,
    user: Optional[str] = None,
    **options: Unpack[RequestOptions],
) -> ApiResponse[ImagesResponse]:
    """Edit or extend one or more images as a prompt describes.

    ``image`` is one file (a path, an open binary file, bytes, or a ``(filename,
    content[, content_type])`` tuple), sent as the ``image`` field, or a list of up to 16
    files for the GPT image models, sent as repeated ``image[]`` fields. ``mask`` is a PNG
    whose transparent areas show where the (first) image is to be edited. Paths are
    streamed from disk.

    https://platform.openai.com/docs/api-reference/images/createEdit
    """
    if isinstance(image, list) and not image:
        raise ValueError("image: give at least one image")
    form = form_of(locals(), files=("image", "mask"))
    return _request(session, "POST", "/images/edits", form=form, into=ImagesResponse, **options)
