"""What went over the wire, for the bugs that no other test saw there.

Each test here fails on a library that sends a parameter with the wrong JSON type, forgets
the project header on a plain ``requests.Session``, splits SSE lines only on ``\\n``, reports
a 204 as something else, or retries without waiting what the server asked for.
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List

import pytest
import requests

from openai_lite import OpenAIRetry, OpenAISession, chat, models, responses
from openai_lite.testing import FakeOpenAI, Reply, error_reply, sse_reply

QUESTION = [{"role": "user", "content": "What is the capital of the France?"}]


def chunk(content: str) -> Dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "delta": {"content": content}, "logprobs": None, "finish_reason": None}],
    }


# -- JSON types on the wire --------------------------------------------------------------


def test_integer_and_number_parameters_go_as_json_numbers(fake: FakeOpenAI, session: OpenAISession) -> None:
    resp = chat.create(
        session, model="gpt-4o-mini", messages=QUESTION, max_tokens=5, temperature=0.5, n=1, logprobs=True
    )

    assert resp.status_code == 200 and fake.last.off_spec is None
    sent = fake.last.json
    assert (type(sent["max_tokens"]), type(sent["n"]), type(sent["logprobs"])) == (int, int, bool)
    assert (sent["max_tokens"], sent["temperature"]) == (5, 0.5)


# -- a plain requests.Session and the environment ----------------------------------------


@pytest.fixture
def environment(fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("OPENAI_API_KEY", fake.api_key)
    monkeypatch.setenv("OPENAI_BASE_URL", fake.url)
    yield


def test_a_plain_session_sends_the_project_and_organization_from_the_environment(
    fake: FakeOpenAI, environment: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj_env")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-env")

    with requests.Session() as plain:
        assert models.list(plain).status_code == 200

    assert fake.last.headers.get_all("OpenAI-Project") == ["proj_env"]
    assert fake.last.headers.get_all("OpenAI-Organization") == ["org-env"]
    assert fake.last.headers["Authorization"] == f"Bearer {fake.api_key}"


def test_a_plain_session_without_a_project_sends_no_project_header(
    fake: FakeOpenAI, environment: None
) -> None:
    with requests.Session() as plain:
        assert models.list(plain).status_code == 200

    assert "OpenAI-Project" not in fake.last.headers and "OpenAI-Organization" not in fake.last.headers


# -- SSE line endings over the wire ------------------------------------------------------


@pytest.mark.parametrize("ending", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_a_stream_framed_with_other_line_endings_reads_the_same(
    fake: FakeOpenAI, session: OpenAISession, ending: str
) -> None:
    with chat.stream(session, model="gpt-4o-mini", messages=QUESTION) as plain:
        expected = [c.choices[0].delta.content for c in plain if c.choices]

    fake.sse_line_ending = ending
    with chat.stream(session, model="gpt-4o-mini", messages=QUESTION) as framed:
        got = [c.choices[0].delta.content for c in framed if c.choices]

    body = fake.last.reply_body
    assert ending.encode() * 2 in body and b"\n" not in body.replace(b"\r\n", b"")
    assert got == expected and "".join(x or "" for x in got)


@pytest.mark.parametrize("ending", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_line_endings_cut_across_chunks_end_one_line(
    fake: FakeOpenAI, session: OpenAISession, ending: str
) -> None:
    # One byte per HTTP chunk: every CRLF arrives as a CR, then an LF in the next read.
    fake.enqueue(sse_reply([chunk("Par"), chunk("is")], split=1, line_ending=ending))

    with chat.stream(session, model="gpt-4o-mini", messages=QUESTION) as stream:
        got = [c.choices[0].delta.content for c in stream]

    assert got == ["Par", "is"]


def test_the_fake_refuses_an_unknown_line_ending(fake: FakeOpenAI) -> None:
    with pytest.raises(ValueError, match="sse_line_ending"):
        fake.sse_line_ending = "\n\r"
    with pytest.raises(ValueError, match="line_ending"):
        sse_reply([], line_ending="")


# -- statuses ----------------------------------------------------------------------------


def test_a_204_is_reported_as_204(fake: FakeOpenAI, session: OpenAISession) -> None:
    fake.enqueue(Reply(204), method="DELETE")

    resp = responses.delete(session, "resp_1")

    assert (resp.status_code, resp.ok, resp.data, resp.error) == (204, True, None, None)
    assert fake.last.reply_status == 204 and fake.last.injected


# -- Retry-After, measured by the server -------------------------------------------------


def waits(fake: FakeOpenAI) -> List[float]:
    """The seconds between one request's arrival and the next's."""
    times = [r.received_at for r in fake.requests]
    return [b - a for a, b in zip(times, times[1:])]


@pytest.mark.parametrize(
    ("headers", "asked"),
    [
        ({"Retry-After": "1"}, 1.0),
        ({"retry-after-ms": "300"}, 0.3),
        ({"retry-after-ms": "300", "Retry-After": "9"}, 0.3),
    ],
)
def test_the_retry_waits_what_the_server_asked(
    fake: FakeOpenAI, headers: Dict[str, str], asked: float
) -> None:
    # The backoff alone would wait a millisecond: only the header explains a longer gap.
    fake.enqueue(error_reply(429, "Slow down.", type="rate_limit_error", headers=headers))
    retry = OpenAIRetry.for_tries(1, backoff_factor=0.001)
    with OpenAISession(api_key=fake.api_key, base_url=fake.url, max_retries=retry) as session:
        resp = models.list(session)

    assert (resp.status_code, resp.retries) == (200, 1)
    assert [r.reply_status for r in fake.requests] == [429, 200]
    assert waits(fake)[0] >= asked


def test_without_a_header_the_backoff_is_waited(fake: FakeOpenAI) -> None:
    fake.enqueue(error_reply(503, "Busy.", type="server_error"), times=2)
    retry = OpenAIRetry.for_tries(2, backoff_factor=0.2)
    with OpenAISession(api_key=fake.api_key, base_url=fake.url, max_retries=retry) as session:
        resp = models.list(session)

    assert (resp.status_code, resp.retries) == (200, 2)
    first, second = waits(fake)
    # 0.2 s then 0.4 s, each less a jitter of at most a quarter.
    assert first >= 0.15 and second >= 0.3
