"""Image routes: generations, edits and variations, returning a tiny PNG."""

from __future__ import annotations

import base64
import struct
import zlib
from typing import Any, Dict, List

from ._response_stream import encode_event
from ._server import (
    ApiError,
    FakeOpenAI,
    RecordedRequest,
    Reply,
    builtin_route,
    form_int,
    invalid,
    json_body,
    json_reply,
    require,
    sse_reply,
)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def tiny_png() -> bytes:
    """Return a valid 1x1 opaque white PNG."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )


PNG = tiny_png()
PNG_B64 = base64.b64encode(PNG).decode("ascii")


def images_response(
    fake: FakeOpenAI, n: Any, response_format: Any, revised_prompt: str = ""
) -> Dict[str, Any]:
    """Build an ImagesResponse with *n* images."""
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 10:
        raise invalid("n", "expected an integer between 1 and 10")
    if response_format not in ("url", "b64_json"):
        raise invalid("response_format", "expected 'url' or 'b64_json'")
    data: List[Dict[str, Any]] = []
    for _ in range(n):
        if response_format == "url":
            item = {
                "url": f"https://images.fake-openai.invalid/{fake.new_id('img-')}.png"
            }
        else:
            item = {"b64_json": PNG_B64}
        if revised_prompt:
            item["revised_prompt"] = revised_prompt
        data.append(item)
    return {"created": fake.now(), "data": data}


@builtin_route("POST", "/images/generations")
def create_image(
    fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]
) -> Reply:
    """Generate images from a prompt."""
    body = json_body(request)
    prompt = require(body, "prompt")
    if body.get("stream") is True:
        partials = body.get("partial_images")
        return image_stream(fake, "image_generation", body.get("model"), body.get("n", 1), partials)
    revised = prompt if body.get("model") == "dall-e-3" else ""
    fmt = body.get("response_format") or "url"
    return json_reply(images_response(fake, body.get("n", 1), fmt, revised))


@builtin_route("POST", "/images/variations")
def create_variation(
    fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]
) -> Reply:
    """Create variations of an uploaded image."""
    if "image" not in request.files:
        raise ApiError(400, "Missing required parameter: 'image'.", param="image")
    fmt = request.form.get("response_format") or "url"
    return json_reply(images_response(fake, form_int(request, "n", 1), fmt))


@builtin_route("POST", "/images/edits")
def edit_image(fake: FakeOpenAI, request: RecordedRequest, params: Dict[str, str]) -> Reply:
    """Edit uploaded images: one ``image`` part, or up to 16 ``image[]`` parts."""
    images = [p for p in request.parts if p.name in ("image", "image[]") and p.filename is not None]
    if not images:
        raise ApiError(400, "Missing required parameter: 'image'.", param="image")
    if len(images) > 16:
        raise invalid("image", "at most 16 images")
    prompt = request.form.get("prompt")
    if not prompt:
        raise ApiError(400, "Missing required parameter: 'prompt'.", param="prompt")
    if "mask" in request.form:
        raise invalid("mask", "expected a file")
    model = request.form.get("model") or "gpt-image-1.5"
    if model == "dall-e-2" and len(images) > 1:
        raise invalid("image", "dall-e-2 takes a single image")
    if request.form.get("stream") == "true":
        partial = request.form.get("partial_images")
        if partial is not None and not partial.isdigit():
            raise invalid("partial_images", "expected an integer")
        partials = None if partial is None else int(partial)
        return image_stream(fake, "image_edit", model, form_int(request, "n", 1), partials)
    gpt_image = model != "dall-e-2"
    fmt = request.form.get("response_format") or ("b64_json" if gpt_image else "url")
    if gpt_image and fmt != "b64_json":
        raise invalid("response_format", "not supported for GPT image models, which return b64_json")
    return json_reply(images_response(fake, form_int(request, "n", 1), fmt))


def image_stream(fake: FakeOpenAI, kind: str, model: Any, n: Any, partial_images: Any) -> Reply:
    """Stream *n* images: for each, *partial_images* partial images, then the completed one.

    *kind* is ``image_generation`` or ``image_edit``. The stream ends after the last image,
    without ``[DONE]``.
    """
    if model in ("dall-e-2", "dall-e-3"):
        raise invalid("stream", "streaming is supported for the GPT image models only")
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 10:
        raise invalid("n", "expected an integer between 1 and 10")
    partial_images = 0 if partial_images is None else partial_images
    if isinstance(partial_images, bool) or partial_images not in (0, 1, 2, 3):
        raise invalid("partial_images", "expected an integer between 0 and 3")
    settings = {"size": "1024x1024", "quality": "low", "background": "opaque", "output_format": "png"}
    events: List[Dict[str, Any]] = []
    for _ in range(n):
        for index in range(partial_images):
            events.append(
                {
                    "type": f"{kind}.partial_image",
                    "b64_json": PNG_B64,
                    "created_at": fake.now(),
                    "partial_image_index": index,
                    **settings,
                }
            )
        usage = {
            "input_tokens": 10,
            "input_tokens_details": {"text_tokens": 10, "image_tokens": 0},
            "output_tokens": 272,
            "total_tokens": 282,
        }
        done = {"type": f"{kind}.completed", "b64_json": PNG_B64, "created_at": fake.now(), "usage": usage}
        events.append({**done, **settings})
    return sse_reply([encode_event(e) for e in events], done=False)
