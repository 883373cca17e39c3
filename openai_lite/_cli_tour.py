"""The offline tour that ``openai-lite demo`` runs: each README step, printing what it returned."""

from __future__ import annotations

import json
import os
import struct
import sys
import tempfile
import zlib
from typing import Any, Callable, List, Tuple

from ._errors import APIResponseValidationError, APIStatusError
from ._session import OpenAISession

__all__ = ["run_tour", "describe"]

EXIT_OK = 0
EXIT_API_ERROR = 1


def _out(*lines: Any) -> None:
    for line in lines:
        sys.stdout.write(f"{line}\n")


def describe(exc: BaseException) -> str:
    if isinstance(exc, APIStatusError):
        kind = f" [{exc.type}]" if exc.type else ""
        return f"{exc}{kind}"
    return str(exc)




STATUS = "Returned response status code {}"


def _tiny_png() -> bytes:
    """A valid 1x1 white PNG."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def _sample_files(folder: str) -> Tuple[str, str, str]:
    """Write otter.png, HalloWereld.mp3 and mydata.jsonl into *folder*; return their paths."""
    png, mp3, jsonl = (os.path.join(folder, n) for n in ("otter.png", "HalloWereld.mp3", "mydata.jsonl"))
    with open(png, "wb") as f:
        f.write(_tiny_png())
    with open(mp3, "wb") as f:
        f.write(b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" + bytes(64))
    lines = [
        {"messages": [{"role": "user", "content": q}, {"role": "assistant", "content": a}]}
        for q, a in [("What is the capital of France?", "Paris."), ("And of the Netherlands?", "Amsterdam.")]
    ]
    with open(jsonl, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(line) + "\n" for line in lines * 5)
    return png, mp3, jsonl


def _tour_chat(session: OpenAISession, live: bool, paths: Tuple[str, str, str]) -> None:
    from . import chat

    resp = chat.create(
        session,
        model="gpt-4o-mini" if live else "gpt-3.5-turbo",
        messages=[{"role": "user", "content": "What is the capital of the France?"}],
        temperature=0.7,
    )
    _out(STATUS.format(resp.status_code), resp.data.choices[0].message.content)


def _tour_image_variation(session: OpenAISession, live: bool, paths: Tuple[str, str, str]) -> None:
    from . import images

    resp = images.create_variation(session, image=paths[0], n=2, size="1024x1024")
    items = resp.data.data
    _out(STATUS.format(resp.status_code), f"Number of new items created {len(items)}")
    _out(f"First item url {items[0].url}", f"Second item url {items[1].url}")


def _tour_translation(session: OpenAISession, live: bool, paths: Tuple[str, str, str]) -> None:
    from . import audio

    resp = audio.translate(session, file=paths[1], model="whisper-1")
    _out(STATUS.format(resp.status_code), f"Translated text {resp.data.text}")


def _tour_transcription(session: OpenAISession, live: bool, paths: Tuple[str, str, str]) -> None:
    from . import audio

    resp = audio.transcribe(session, file=paths[1], model="whisper-1")
    _out(STATUS.format(resp.status_code), f"Actual text {resp.data.text}")


def _tour_moderation(session: OpenAISession, live: bool, paths: Tuple[str, str, str]) -> None:
    from . import moderations

    resp = moderations.create(session, input="I want to hit my dog.")
    result = resp.data.results[0]
    _out(STATUS.format(resp.status_code), f"Flagged {result.flagged}, violence {result.categories.violence}")


def _tour_image_creation(session: OpenAISession, live: bool, paths: Tuple[str, str, str]) -> None:
    from . import images

    resp = images.generate(session, prompt="A cute baby sea otter", n=2, size="1024x1024")
    _out(STATUS.format(resp.status_code), f"Number of new items created {len(resp.data.data)}")
    _out(*(f"Item url {image.url}" for image in resp.data.data))


def _tour_files(session: OpenAISession, live: bool, paths: Tuple[str, str, str]) -> None:
    from . import files

    before = files.list(session).data.data
    _out(f"Number of files {len(before)}")
    if live:
        return
    resp = files.create(session, file=paths[2], purpose="fine-tune")
    _out(STATUS.format(resp.status_code), f"Uploaded {resp.data.id}, {resp.data.bytes} bytes")
    _out(f"Number of files {len(files.list(session).data.data)}")
    deleted = files.delete(session, resp.data.id)
    _out(STATUS.format(deleted.status_code), f"Number of files {len(files.list(session).data.data)}")


def _tour_fine_tuning(session: OpenAISession, live: bool, paths: Tuple[str, str, str]) -> None:
    from . import files, fine_tuning

    _out(f"Number of fine-tuning jobs {len(fine_tuning.list_jobs(session, limit=200).data.data)}")
    if live:
        return
    uploaded = files.create(session, file=paths[2], purpose="fine-tune").data
    created = fine_tuning.create_job(session, training_file=uploaded.id, model="gpt-3.5-turbo")
    job_id = created.data.id
    _out(STATUS.format(created.status_code), f"Created job {job_id}, status {created.data.status}")
    _out(f"Number of fine-tuning jobs {len(fine_tuning.list_jobs(session, limit=200).data.data)}")
    got = fine_tuning.retrieve_job(session, job_id)
    _out(STATUS.format(got.status_code), f"Job {job_id} status {got.data.status}")
    cancelled = fine_tuning.cancel_job(session, job_id)
    _out(STATUS.format(cancelled.status_code), f"Job {job_id} status {cancelled.data.status}")


def _tour_models(session: OpenAISession, live: bool, paths: Tuple[str, str, str]) -> None:
    from . import models

    listed = models.list(session)
    _out(STATUS.format(listed.status_code), f"Number of models {len(listed.data.data)}")
    one = models.retrieve(session, "gpt-4o-mini" if live else "gpt-3.5-turbo")
    _out(STATUS.format(one.status_code), f"Model {one.data.id} owned by {one.data.owned_by}")
    missing = models.delete(session, "unknownName")
    _out(STATUS.format(missing.status_code) + " for deleting unknownName")


def _tour_embeddings(session: OpenAISession, live: bool, paths: Tuple[str, str, str]) -> None:
    from . import embeddings

    model = "text-embedding-3-small" if live else "text-embedding-ada-002"
    resp = embeddings.create(session, input="The food was delicious", model=model)
    _out(STATUS.format(resp.status_code), f"Vector length {len(resp.data.data[0].embedding)}")


TourStep = Callable[[OpenAISession, bool, Tuple[str, str, str]], None]

#: (title, step, runs with --live): the live run keeps to read-only, cheap calls.
TOUR: List[Tuple[str, TourStep, bool]] = [
    ("Chat completion", _tour_chat, True),
    ("Image variations", _tour_image_variation, False),
    ("Audio translation", _tour_translation, False),
    ("Audio transcription", _tour_transcription, False),
    ("Moderation", _tour_moderation, True),
    ("Image creation", _tour_image_creation, False),
    ("File management", _tour_files, True),
    ("Fine-tuning", _tour_fine_tuning, True),
    ("Models", _tour_models, True),
    ("Embeddings", _tour_embeddings, True),
]


def run_tour(session: OpenAISession, *, live: bool) -> int:
    """Run every step of the tour, printing what each returned; 1 if any step failed."""
    failed = 0
    with tempfile.TemporaryDirectory(prefix="openai-lite-demo-") as folder:
        paths = _sample_files(folder)
        for number, (title, step, cheap) in enumerate(TOUR, 1):
            _out(f"== {number}. {title}")
            if live and not cheap:
                _out("(skipped with --live: it creates objects or costs more than a cent)")
                continue
            try:
                step(session, live, paths)
            except (APIStatusError, APIResponseValidationError) as exc:
                failed += 1
                _out(f"failed: {describe(exc)}")
    return EXIT_API_ERROR if failed else EXIT_OK


