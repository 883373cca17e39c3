"""The key never shows (repr, errors, logs, pickles) and TLS verification stays on."""

from __future__ import annotations

import json
import logging
import pickle
import shutil
import socket
import ssl
import subprocess
import traceback
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest
from rawserver import RawConnection, RawServer, http_response

from openai_lite import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    OpenAIError,
    OpenAIRetry,
    OpenAISession,
    chat,
    models,
)
from openai_lite.azure import AzureOpenAISession
from openai_lite.testing import FakeOpenAI, Reply, error_reply

SECRET = "sk-proj-SECRET-Zq8Lw2Vn5Rt7"
MESSAGES = [{"role": "user", "content": "Hello"}]


def fast(url: str, key: str = SECRET) -> OpenAISession:
    return OpenAISession(
        api_key=key, base_url=url, max_retries=OpenAIRetry.for_tries(1, backoff_factor=0.001)
    )


def shown(error: BaseException) -> str:
    """Everything an error shows: str, repr and the whole printed traceback with its causes."""
    printed = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return "\n".join([str(error), repr(error), printed])


def failures(fake: FakeOpenAI, session: OpenAISession) -> Iterator[str]:
    """Run calls that fail in each way a call can, and yield what each failure shows."""
    fake.enqueue(error_reply(500, "Broken.", type="server_error"), times=2)
    resp = models.list(session)  # 500 twice, retried
    yield repr(resp) + shown(resp.exception())
    resp = models.list(session)  # 401: the fake does not know this key
    yield repr(resp) + shown(resp.exception())
    fake.enqueue(Reply(200, body=b"<html>proxy</html>", content_type="text/html"))
    with pytest.raises(APIResponseValidationError) as invalid:
        models.list(session)
    yield shown(invalid.value)
    fake.enqueue(Reply(delay=5))  # a POST that times out is not retried
    with pytest.raises(APITimeoutError) as timed_out:
        chat.create(session, model="gpt-4o", messages=MESSAGES, timeout=(1, 0.1))
    yield shown(timed_out.value)
    fake.enqueue(Reply(drop="reset"), times=2)
    with pytest.raises(APIConnectionError) as reset:
        models.list(session)
    yield shown(reset.value)


def test_key_absent_from_repr_str_and_pickle_of_the_session(fake: FakeOpenAI) -> None:
    session = fast(fake.url)
    for text in (repr(session), str(session), str(vars(session)), repr(session.adapters)):
        assert SECRET not in text
    assert SECRET.encode() not in pickle.dumps(session)
    assert SECRET.encode() not in pickle.dumps(fast(fake.url, key=SECRET))


def test_key_absent_from_every_error(fake: FakeOpenAI) -> None:
    texts = list(failures(fake, fast(fake.url)))
    assert len(texts) == 5 and all(texts)
    assert [SECRET in text for text in texts] == [False] * 5
    assert fake.last.headers["Authorization"] == "Bearer " + SECRET  # it was sent, all the same


def test_key_absent_from_a_refused_connection_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(APIConnectionError) as caught:
        models.list(fast(f"http://127.0.0.1:{port}/v1"))
    assert SECRET not in shown(caught.value)


def test_key_absent_from_every_log_record_at_debug(
    fake: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    # Every logger (openai_lite and its body logger, requests, urllib3) at DEBUG.
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="openai_lite")
    caplog.set_level(logging.DEBUG, logger="openai_lite.body")
    texts = list(failures(fake, fast(fake.url)))
    lines = [caplog.handler.format(record) for record in caplog.records]
    ours = [r for r in caplog.records if r.name.startswith("openai_lite")]
    assert ours, "the openai_lite logger recorded nothing to check"
    assert texts and lines
    assert [line for line in lines if SECRET in line] == []


def test_azure_api_key_absent_from_repr_errors_logs_and_pickle(
    fake: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="openai_lite")
    session = AzureOpenAISession(api_key=SECRET, api_version="2024-10-21", base_url=fake.url, max_retries=0)
    resp = models.list(session)
    assert fake.last.headers["api-key"] == SECRET
    assert resp.status_code == 401
    texts = [repr(session), repr(resp), shown(resp.exception())]
    texts += [caplog.handler.format(record) for record in caplog.records]
    assert [text for text in texts if SECRET in text] == []
    assert SECRET.encode() not in pickle.dumps(session)


@pytest.mark.parametrize(
    "key", [SECRET + "\n", " " + SECRET, SECRET[:8] + "\u2019" + SECRET[8:], SECRET + "\x00"]
)
def test_key_that_cannot_go_in_a_header_is_refused_without_showing_it(fake: FakeOpenAI, key: str) -> None:
    with pytest.raises(OpenAIError, match="API key") as caught:
        models.list(OpenAISession(api_key=key, base_url=fake.url))
    assert SECRET not in shown(caught.value)
    assert SECRET[8:] not in shown(caught.value)
    assert fake.requests == []


# ---------------------------------------------------------------------------
# TLS


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, that no trust store knows."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_server(certificate: Tuple[Path, Path]) -> Iterator[RawServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(certificate[0]), str(certificate[1]))
    body = json.dumps({"object": "list", "data": []})

    def handler(conn: RawConnection) -> None:
        while conn.read_request() is not None:
            conn.send(http_response(200, body, {"Content-Type": "application/json"}))

    with RawServer(handler, tls=context) as server:
        yield server


def test_tls_verification_is_on_by_default(tls_server: RawServer) -> None:
    with pytest.raises(APIConnectionError, match="(?i)certificate verify failed"):
        models.list(fast(tls_server.url))
    assert tls_server.requests == []
    assert tls_server.connections == 1  # a certificate that fails is not retried


def test_tls_verification_stays_on_with_an_empty_ca_bundle_variable(
    tls_server: RawServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CURL_CA_BUNDLE", "")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "")
    with pytest.raises(APIConnectionError, match="(?i)certificate verify failed"):
        models.list(fast(tls_server.url))
    assert tls_server.requests == []


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_tls_verification_follows_the_users_own_session(
    tls_server: RawServer, certificate: Tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # requests lets these variables override the session's ``verify``.
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    session = fast(tls_server.url)
    session.verify = str(certificate[0])  # the user's own CA bundle
    assert models.list(session).status_code == 200
    session.verify = False  # turned off, by the user
    assert models.list(session).status_code == 200
    assert [r.headers["authorization"] for r in tls_server.requests] == ["Bearer " + SECRET] * 2


def test_log_records_name_no_header_values(fake: FakeOpenAI, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="openai_lite")
    session = fast(fake.url, key=fake.api_key)
    session.headers["X-Trace"] = "trace-value-42"
    assert models.list(session).status_code == 200
    text: List[str] = [caplog.handler.format(record) for record in caplog.records]
    assert text and not [line for line in text if fake.api_key in line or "trace-value-42" in line]


def test_key_from_the_environment_absent_from_vars_of_a_used_session(
    fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", fake.api_key)
    session = OpenAISession(base_url=fake.url)
    assert models.list(session).status_code == 200
    assert fake.api_key not in repr(vars(session)) + repr(session) + repr(vars(session.adapters))
