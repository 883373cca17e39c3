"""Tests of openai_lite.images against FakeOpenAI."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from conformance import validate_response

from openai_lite import APIResponseValidationError, BadRequestError, NotFoundError, OpenAISession, images
from openai_lite.images import Image, ImageGenUsage, ImagesResponse
from openai_lite.testing import FakeOpenAI, RecordedRequest, Reply, error_reply, json_reply

# Not valid UTF-8, so a text decoding anywhere on the way would show.
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) + b"\xff\xfe\r\n--"


def check_variation_request(request: RecordedRequest, fake: FakeOpenAI) -> None:
    assert request.method == "POST"
    assert request.route_path == "/images/variations"
    assert request.headers["Authorization"] == "Bearer " + fake.api_key
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")


# -- generate ------------------------------------------------------------------


def test_generate_seed_tour(fake: FakeOpenAI, session: OpenAISession) -> None:
    before = fake.now()
    resp = images.generate(session, prompt="A cute baby sea otter", n=2, size="1024x1024")

    req = fake.last
    assert (req.method, req.route_path, req.query) == ("POST", "/images/generations", {})
    assert req.headers["Authorization"] == "Bearer " + fake.api_key
    assert req.headers["Content-Type"] == "application/json"
    assert req.json == {"prompt": "A cute baby sea otter", "n": 2, "size": "1024x1024"}

    assert resp.status_code == 200
    assert isinstance(resp.data, ImagesResponse)
    assert before <= resp.data.created <= fake.now()  # the clock may tick during the call
    assert len(resp.data.data) == 2
    urls = [image.url for image in resp.data.data]
    assert all(url and url.startswith("https://") for url in urls)
    assert urls[0] != urls[1]
    assert resp.data.data[0].b64_json is None


def test_generate_sends_every_documented_parameter(fake: FakeOpenAI, session: OpenAISession) -> None:
    images.generate(
        session,
        prompt="p",
        model="gpt-image-1",
        n=1,
        quality="high",
        size="1536x1024",
        user="user-1",
        background="transparent",
        moderation="low",
        output_compression=80,
        output_format="webp",
    )
    body = fake.last.json
    assert body == {
        "prompt": "p",
        "model": "gpt-image-1",
        "n": 1,
        "quality": "high",
        "size": "1536x1024",
        "user": "user-1",
        "background": "transparent",
        "moderation": "low",
        "output_compression": 80,
        "output_format": "webp",
    }

    images.generate(session, prompt="p", model="dall-e-3", style="natural", response_format="b64_json")
    assert fake.last.json == {
        "prompt": "p",
        "model": "dall-e-3",
        "style": "natural",
        "response_format": "b64_json",
    }


def test_generate_b64_json_and_revised_prompt(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = images.generate(session, prompt="An otter", model="dall-e-3", response_format="b64_json")
    image = resp.data.data[0]
    assert image.url is None
    assert image.revised_prompt == "An otter"
    assert image.b64_json is not None
    assert base64.b64decode(image.b64_json).startswith(b"\x89PNG\r\n\x1a\n")


def test_generate_gpt_image_response_fields(fake: FakeOpenAI, session: OpenAISession) -> None:
    body = {
        "created": 1713833628,
        "data": [{"b64_json": "aGk="}],
        "background": "transparent",
        "output_format": "png",
        "size": "1024x1024",
        "quality": "high",
        "usage": {
            "total_tokens": 100,
            "input_tokens": 50,
            "output_tokens": 50,
            "input_tokens_details": {"text_tokens": 10, "image_tokens": 40},
            "output_tokens_details": {"text_tokens": 0, "image_tokens": 50},
            "a_future_field": 1,
        },
    }
    validate_response("POST", "/images/generations", 200, body)
    fake.enqueue(json_reply(body))
    data = images.generate(session, prompt="p", model="gpt-image-1").data
    assert data.data == [Image(b64_json="aGk=")]
    assert (data.background, data.output_format, data.size, data.quality) == (
        "transparent",
        "png",
        "1024x1024",
        "high",
    )
    usage = data.usage
    assert isinstance(usage, ImageGenUsage)
    assert (usage.input_tokens, usage.output_tokens, usage.total_tokens) == (50, 50, 100)
    assert usage.input_tokens_details is not None
    assert usage.input_tokens_details.image_tokens == 40
    assert usage.output_tokens_details is not None
    assert usage.output_tokens_details.image_tokens == 50


def test_generate_error_is_returned_not_raised(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = images.generate(session, prompt="p", n=11)
    assert resp.status_code == 400
    assert resp.error is not None and resp.error.param == "n"
    with pytest.raises(BadRequestError):
        _ = resp.data

    fake.enqueue(error_reply(404, "The model 'dall-e-9' does not exist.", code="model_not_found"))
    resp = images.generate(session, prompt="p", model="dall-e-9")
    assert resp.status_code == 404
    assert resp.error is not None and resp.error.code == "model_not_found"
    with pytest.raises(NotFoundError) as info:
        _ = resp.data
    assert info.value.code == "model_not_found"


def test_generate_extra_body_and_headers(fake: FakeOpenAI, session: OpenAISession) -> None:
    images.generate(
        session, prompt="p", extra_body={"partial_images": 0}, extra_headers={"X-Trace": "t-1"}
    )
    assert fake.last.json == {"prompt": "p", "partial_images": 0}
    assert fake.last.headers["X-Trace"] == "t-1"


# -- create_variation ----------------------------------------------------------


def test_create_variation_seed_tour(fake: FakeOpenAI, session: OpenAISession, tmp_path: Path) -> None:
    otter = tmp_path / "otter.png"
    otter.write_bytes(PNG)

    resp = images.create_variation(session, image=str(otter), n=2, size="1024x1024")

    req = fake.last
    check_variation_request(req, fake)
    assert [(p.name, p.filename) for p in req.parts] == [
        ("image", "otter.png"),
        ("n", None),
        ("size", None),
    ]
    part = req.files["image"]
    assert part.content_type == "image/png"
    assert part.data == PNG
    assert req.form == {"n": "2", "size": "1024x1024"}
    assert resp.status_code == 200
    assert len(resp.data.data) == 2
    assert all(image.url for image in resp.data.data)


def test_create_variation_every_parameter(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = images.create_variation(
        session,
        image=("otter.png", PNG),
        model="dall-e-2",
        n=1,
        response_format="b64_json",
        size="256x256",
        user="user-1",
    )
    req = fake.last
    check_variation_request(req, fake)
    assert req.form == {
        "model": "dall-e-2",
        "n": "1",
        "response_format": "b64_json",
        "size": "256x256",
        "user": "user-1",
    }
    assert resp.data.data[0].b64_json is not None


@pytest.mark.parametrize(
    "make, filename, content_type",
    [
        (lambda p: p, "otter.png", "image/png"),
        (lambda p: str(p), "otter.png", "image/png"),
        (lambda p: p.read_bytes(), "image", "application/octet-stream"),
        (lambda p: ("renamed.png", p.read_bytes()), "renamed.png", "image/png"),
        (lambda p: ("x.bin", p.read_bytes(), "image/png"), "x.bin", "image/png"),
        (lambda p: ("renamed.png", p), "renamed.png", "image/png"),
        (lambda p: io.BytesIO(p.read_bytes()), "image", "application/octet-stream"),
    ],
    ids=["pathlib", "str-path", "bytes", "tuple", "tuple-with-type", "tuple-with-path", "bytesio"],
)
def test_create_variation_file_forms(
    fake: FakeOpenAI, session: OpenAISession, tmp_path: Path, make: object, filename: str, content_type: str
) -> None:
    otter = tmp_path / "otter.png"
    otter.write_bytes(PNG)
    images.create_variation(session, image=make(otter))  # type: ignore[operator]
    part = fake.last.files["image"]
    assert (part.filename, part.content_type, part.data) == (filename, content_type, PNG)
    assert fake.last.headers["Content-Length"] == str(len(fake.last.body))


def test_create_variation_open_file(fake: FakeOpenAI, session: OpenAISession, tmp_path: Path) -> None:
    otter = tmp_path / "otter.png"
    otter.write_bytes(PNG)
    with open(otter, "rb") as f:
        resp = images.create_variation(session, image=f)
        assert not f.closed
    assert resp.status_code == 200
    part = fake.last.files["image"]
    assert (part.filename, part.content_type, part.data) == ("otter.png", "image/png", PNG)


def test_create_variation_retry_resends_the_file(
    fake: FakeOpenAI, session: OpenAISession, tmp_path: Path
) -> None:
    otter = tmp_path / "otter.png"
    otter.write_bytes(PNG)
    fake.enqueue(error_reply(500, "The server had an error.", type="server_error"))
    with open(otter, "rb") as f:
        resp = images.create_variation(session, image=f)
    assert resp.status_code == 200
    assert resp.retries == 1
    assert len(fake.requests) == 2
    assert [r.files["image"].data for r in fake.requests] == [PNG, PNG]


def test_create_variation_missing_file(fake: FakeOpenAI, session: OpenAISession, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="image") as info:
        images.create_variation(session, image=tmp_path / "nope.png")
    assert "nope.png" in str(info.value)
    assert fake.requests == []


def test_create_variation_bad_file_arguments(
    fake: FakeOpenAI, session: OpenAISession, tmp_path: Path
) -> None:
    otter = tmp_path / "otter.png"
    otter.write_bytes(PNG)
    with open(otter, encoding="latin-1") as text_file:
        with pytest.raises(TypeError, match="image.*text mode"):
            images.create_variation(session, image=text_file)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="image"):
        images.create_variation(session, image=123)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="image"):
        images.create_variation(session, image=("a.png",))  # type: ignore[arg-type]
    assert fake.requests == []


def test_create_variation_error_reply(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = images.create_variation(session, image=("otter.png", PNG), response_format="xml")  # type: ignore[arg-type]
    assert resp.status_code == 400
    assert resp.error is not None and resp.error.param == "response_format"
    with pytest.raises(BadRequestError):
        _ = resp.data


def test_create_variation_extra_body_is_a_form_field(fake: FakeOpenAI, session: OpenAISession) -> None:
    images.create_variation(session, image=("otter.png", PNG), extra_body={"n": 3})
    assert fake.last.form == {"n": "3"}


def test_wrong_response_shape_is_a_validation_error(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(Reply(200, body=b'{"created": 1, "data": {"url": "x"}}', content_type="application/json"))
    with pytest.raises(APIResponseValidationError, match="ImagesResponse.data"):
        images.generate(session, prompt="p")
