"""Image edits: one image or several, with a mask, as multipart forms, against FakeOpenAI."""

from __future__ import annotations

from pathlib import Path

import pytest

from openai_lite import BadRequestError, OpenAISession, images
from openai_lite.testing import FakeOpenAI
from openai_lite.testing._routes_images import PNG, PNG_B64


@pytest.fixture
def otter(tmp_path: Path) -> Path:
    path = tmp_path / "otter.png"
    path.write_bytes(PNG)
    return path


def test_edit_one_image_with_a_mask(fake: FakeOpenAI, session: OpenAISession, otter: Path) -> None:
    resp = images.edit(
        session,
        image=otter,
        mask=("mask.png", b"\x89PNG mask"),
        prompt="A sunlit indoor lounge area with a pool containing a flamingo",
        model="dall-e-2",
        n=2,
        size="1024x1024",
    )

    assert resp.status_code == 200
    assert len(resp.data.data) == 2 and all(i.url for i in resp.data.data)
    sent = fake.last
    assert (sent.method, sent.path, sent.query) == ("POST", "/v1/images/edits", {})
    assert sent.headers["Authorization"] == "Bearer " + fake.api_key
    assert sent.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert [(p.name, p.filename, p.content_type, p.data) for p in sent.parts] == [
        ("image", "otter.png", "image/png", PNG),
        ("prompt", None, None, b"A sunlit indoor lounge area with a pool containing a flamingo"),
        ("mask", "mask.png", "image/png", b"\x89PNG mask"),
        ("model", None, None, b"dall-e-2"),
        ("n", None, None, b"2"),
        ("size", None, None, b"1024x1024"),
    ]


def test_edit_several_images_as_repeated_fields(
    fake: FakeOpenAI, session: OpenAISession, otter: Path
) -> None:
    with open(otter, "rb") as opened:
        resp = images.edit(
            session,
            image=[otter, ("lotion.webp", b"RIFFwebp"), opened],
            prompt="A gift basket of these items",
            model="gpt-image-1",
            quality="high",
            background="transparent",
            input_fidelity="high",
        )

    assert resp.data.data[0].b64_json == PNG_B64
    files = [(p.name, p.filename, p.content_type, p.data) for p in fake.last.parts if p.filename]
    assert files == [
        ("image[]", "otter.png", "image/png", PNG),
        ("image[]", "lotion.webp", "image/webp", b"RIFFwebp"),
        ("image[]", "otter.png", "image/png", PNG),
    ]
    assert fake.last.form == {
        "prompt": "A gift basket of these items",
        "model": "gpt-image-1",
        "quality": "high",
        "background": "transparent",
        "input_fidelity": "high",
    }


def test_an_error_comes_back_typed(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = images.edit(session, image=[b"a", b"b"], prompt="Merge", model="dall-e-2")

    assert resp.status_code == 400 and resp.error is not None and resp.error.param == "image"
    with pytest.raises(BadRequestError, match="single image"):
        resp.data


def test_bad_images_are_refused_before_sending(
    fake: FakeOpenAI, session: OpenAISession, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="image"):
        images.edit(session, image=[], prompt="x")
    with pytest.raises(FileNotFoundError, match="image"):
        images.edit(session, image=[tmp_path / "missing.png"], prompt="x")
    with pytest.raises(FileNotFoundError, match="mask"):
        images.edit(session, image=b"png", mask=str(tmp_path / "missing.png"), prompt="x")
    with pytest.raises(TypeError, match="image"):
        images.edit(session, image=42, prompt="x")  # type: ignore[arg-type]
    assert fake.requests == []
