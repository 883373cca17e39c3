"""The Images API: generate images from a prompt, edit images, and make variations of an image.

https://platform.openai.com/docs/api-reference/images
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, List, Literal, Optional, Union

import requests

from ._model import Model
from ._multipart import FileInput
from ._request import _request, body_of, form_of
from ._response import ApiResponse
from ._streaming import ServerSentEvent, Stream, ends_with, open_stream, tagged_event_decoder

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._request import RequestOptions

__all__ = [
    "Image",
    "ImagesResponse",
    "ImageGenUsage",
    "ImageGenInputUsageDetails",
    "ImageGenOutputTokensDetails",
    "ImagePartialImageEvent",
    "ImageCompletedEvent",
    "ImageOtherEvent",
    "ImageStreamEvent",
    "generate",
    "generate_stream",
    "edit",
    "edit_stream",
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


# -- streaming -------------------------------------------------------------------------


@dataclass
class ImagePartialImageEvent(Model):
    """An image in the making (``partial_image_index`` counts them from 0), base64-encoded."""

    type: Literal["image_generation.partial_image", "image_edit.partial_image"]
    b64_json: Optional[str] = None
    partial_image_index: Optional[int] = None
    created_at: Optional[int] = None
    size: Optional[str] = None
    quality: Optional[str] = None
    background: Optional[str] = None
    output_format: Optional[str] = None


@dataclass
class ImageCompletedEvent(Model):
    """A finished image, base64-encoded, with the token counts of the request."""

    type: Literal["image_generation.completed", "image_edit.completed"]
    b64_json: Optional[str] = None
    created_at: Optional[int] = None
    size: Optional[str] = None
    quality: Optional[str] = None
    background: Optional[str] = None
    output_format: Optional[str] = None
    usage: Optional[ImageGenUsage] = None


@dataclass
class ImageOtherEvent(Model):
    """An event of a type this library does not know."""

    type: str


#: The events of an image stream, told apart by ``type``.
ImageStreamEvent = Union[ImagePartialImageEvent, ImageCompletedEvent, ImageOtherEvent]

_decode_event = tagged_event_decoder((ImagePartialImageEvent, ImageCompletedEvent), ImageOtherEvent)


def _after_images(n: Optional[int], completed: str) -> Callable[[ServerSentEvent], bool]:
    """The end of an image stream: the completed event of its last image."""
    is_completed = ends_with(completed)
    left = [n if isinstance(n, int) and not isinstance(n, bool) and n > 0 else 1]

    def terminal(sse: ServerSentEvent) -> bool:
        if is_completed(sse):
            left[0] -= 1
        return left[0] <= 0

    return terminal


def generate_stream(
    session: requests.Session,
    *,
    prompt: str,
    model: Optional[str] = None,
    n: Optional[int] = None,
    partial_images: Optional[int] = None,
    quality: Optional[Literal["standard", "hd", "low", "medium", "high", "auto"]] = None,
    size: Optional[str] = None,
    user: Optional[str] = None,
    background: Optional[Literal["transparent", "opaque", "auto"]] = None,
    moderation: Optional[Literal["low", "auto"]] = None,
    output_compression: Optional[int] = None,
    output_format: Optional[Literal["png", "jpeg", "webp"]] = None,
    **options: Unpack[RequestOptions],
) -> Stream[ImageStreamEvent]:
    """Create images from a text prompt with a GPT image model, streamed as they take shape.

    Up to ``partial_images`` (0 to 3) :class:`ImagePartialImageEvent` come before each
    image's :class:`ImageCompletedEvent`; the stream ends after the last image.

    https://platform.openai.com/docs/api-reference/images-streaming
    """
    body = body_of(locals())
    body["stream"] = True
    terminal = _after_images(n, "image_generation.completed")
    return open_stream(
        session,
        "POST",
        "/images/generations",
        json_body=body,
        decode=_decode_event,
        terminal=terminal,
        **options,
    )


def edit_stream(
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
    partial_images: Optional[int] = None,
    quality: Optional[Literal["standard", "low", "medium", "high", "auto"]] = None,
    size: Optional[str] = None,
    user: Optional[str] = None,
    **options: Unpack[RequestOptions],
) -> Stream[ImageStreamEvent]:
    """Edit or extend images with a GPT image model, streamed as the result takes shape.

    Takes the files as :func:`edit` does; the events are those of :func:`generate_stream`.

    https://platform.openai.com/docs/api-reference/images-streaming
    """
    if isinstance(image, list) and not image:
        raise ValueError("image: give at least one image")
    form = form_of(locals(), files=("image", "mask"))
    form.append(("stream", "true"))
    terminal = _after_images(n, "image_edit.completed")
    return open_stream(
        session, "POST", "/images/edits", form=form, decode=_decode_event, terminal=terminal, **options
    )
