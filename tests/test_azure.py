"""AzureOpenAISession against FakeOpenAI serving under /openai: paths, api-version, credentials."""

from __future__ import annotations

import logging
import pickle
from typing import Iterator, List

import pytest

from openai_lite import AuthenticationError, OpenAIError, audio, chat, embeddings, files, models
from openai_lite.azure import AzureOpenAISession
from openai_lite.testing import FakeOpenAI, RecordedRequest, Reply, error_reply, json_reply

API_VERSION = "2024-10-21"
AZURE_KEY = "azure-SECRET-key-0123456789"
COMPLETION = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1700000000,
    "model": "gpt-4o-mini",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "Hello from Azure."},
            "finish_reason": "stop",
        }
    ],
}


@pytest.fixture(autouse=True)
def no_azure_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "AZURE_OPENAI_ENDPOINT",
        "AZURE_OPENAI_API_KEY",
        "AZURE_OPENAI_AD_TOKEN",
        "OPENAI_API_VERSION",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def azure_fake() -> Iterator[FakeOpenAI]:
    """A fake whose routes live under /openai, as on an Azure OpenAI resource."""
    with FakeOpenAI(prefix="/openai") as fake:

        @fake.route("POST", "/deployments/{deployment}/audio/transcriptions")
        def _transcribe(fake: FakeOpenAI, request: RecordedRequest, params: dict) -> Reply:
            return json_reply({"text": f"transcribed by {params['deployment']}"})

        yield fake


def endpoint(fake: FakeOpenAI) -> str:
    return fake.url[: -len("/openai")]


def keyed(fake: FakeOpenAI, **kwargs: object) -> AzureOpenAISession:
    options: dict = {"azure_endpoint": endpoint(fake), "api_version": API_VERSION, "api_key": AZURE_KEY}
    options.update(kwargs)
    return AzureOpenAISession(max_retries=0, **options)


def test_deployment_endpoint_with_an_api_key(azure_fake: FakeOpenAI) -> None:
    azure_fake.enqueue(json_reply(COMPLETION), path="/deployments/{deployment}/chat/completions")
    session = keyed(azure_fake, azure_deployment="my gpt")

    resp = chat.create(session, model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}])

    assert resp.status_code == 200
    assert resp.data.choices[0].message.content == "Hello from Azure."
    sent = azure_fake.last
    assert sent.method == "POST"
    assert sent.path == "/openai/deployments/my%20gpt/chat/completions"
    assert sent.query == {"api-version": [API_VERSION]}
    assert sent.headers["api-key"] == AZURE_KEY
    assert "Authorization" not in sent.headers
    assert "OpenAI-Organization" not in sent.headers
    assert sent.json == {"messages": [{"role": "user", "content": "Hi"}], "model": "gpt-4o-mini"}


def test_without_a_deployment_the_model_names_it(azure_fake: FakeOpenAI) -> None:
    azure_fake.enqueue(json_reply(COMPLETION))
    chat.create(keyed(azure_fake), model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}])
    assert azure_fake.last.path == "/openai/deployments/gpt-4o-mini/chat/completions"


def test_other_endpoints_are_not_per_deployment(azure_fake: FakeOpenAI) -> None:
    # An Entra ID token equal to the fake's key lets the fake's own routes answer.
    session = AzureOpenAISession(
        azure_endpoint=endpoint(azure_fake),
        api_version=API_VERSION,
        azure_deployment="my-deployment",
        azure_ad_token=azure_fake.api_key,
    )

    listed = models.list(session)
    uploaded = files.create(session, file=("data.jsonl", b'{"prompt": "x"}\n'), purpose="fine-tune")

    assert listed.status_code == 200 and listed.data.data
    assert uploaded.status_code == 200
    assert [(r.method, r.path) for r in azure_fake.requests] == [
        ("GET", "/openai/models"),
        ("POST", "/openai/files"),
    ]
    for sent in azure_fake.requests:
        assert sent.query == {"api-version": [API_VERSION]}
        assert sent.headers["Authorization"] == "Bearer " + azure_fake.api_key
        assert "api-key" not in sent.headers


def test_multipart_deployment_endpoint_with_a_token_provider(azure_fake: FakeOpenAI) -> None:
    calls: List[int] = []

    def provider() -> str:
        calls.append(1)
        return azure_fake.api_key

    session = AzureOpenAISession(
        azure_endpoint=endpoint(azure_fake) + "/", api_version=API_VERSION, azure_ad_token_provider=provider
    )

    first = audio.transcribe(session, file=("a.mp3", b"ID3 audio"), model="whisper-1")
    second = audio.transcribe(session, file=("a.mp3", b"ID3 audio"), model="whisper-1")

    assert first.data.text == second.data.text == "transcribed by whisper-1"
    assert azure_fake.last.path == "/openai/deployments/whisper-1/audio/transcriptions"
    assert azure_fake.last.query == {"api-version": [API_VERSION]}
    assert azure_fake.last.files["file"].data == b"ID3 audio"
    assert len(calls) == 2


def test_embeddings_and_extra_query(azure_fake: FakeOpenAI) -> None:
    azure_fake.enqueue(
        json_reply(
            {"object": "list", "data": [{"object": "embedding", "index": 0, "embedding": [0.5, 0.25]}]}
        )
    )
    session = keyed(azure_fake, azure_deployment="emb")

    resp = embeddings.create(
        session,
        input="x",
        model="text-embedding-3-small",
        encoding_format="float",
        extra_query={"api-version": "2025-01-01-preview", "trace": "1"},
    )

    assert resp.data.data[0].embedding == [0.5, 0.25]
    assert azure_fake.last.path == "/openai/deployments/emb/embeddings"
    assert azure_fake.last.query == {"api-version": ["2025-01-01-preview"], "trace": ["1"]}


def test_retries_work_on_the_azure_endpoint(azure_fake: FakeOpenAI) -> None:
    azure_fake.enqueue(
        error_reply(429, "Slow down.", type="rate_limit_error", headers={"retry-after-ms": "1"})
    )
    azure_fake.enqueue(json_reply(COMPLETION))
    session = AzureOpenAISession(
        azure_endpoint=endpoint(azure_fake), api_version=API_VERSION, api_key=AZURE_KEY, azure_deployment="d"
    )
    resp = chat.create(session, model="m", messages=[{"role": "user", "content": "Hi"}])
    assert (resp.status_code, resp.retries) == (200, 1)


def test_settings_come_from_the_environment(azure_fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", endpoint(azure_fake))
    monkeypatch.setenv("OPENAI_API_VERSION", API_VERSION)
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", AZURE_KEY)
    azure_fake.enqueue(json_reply({"object": "list", "data": []}))

    session = AzureOpenAISession()

    assert session.base_url == endpoint(azure_fake) + "/openai"
    assert models.list(session).status_code == 200
    assert azure_fake.last.headers["api-key"] == AZURE_KEY
    assert azure_fake.last.query == {"api-version": [API_VERSION]}


def test_the_key_never_shows(azure_fake: FakeOpenAI, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="openai_lite")
    session = keyed(azure_fake, azure_deployment="d")
    resp = models.list(session)  # the fake wants a Bearer key: 401
    error = resp.exception()

    assert isinstance(error, AuthenticationError)
    shown = [repr(session), repr(vars(session)), str(error), repr(error), caplog.text, repr(resp)]
    assert caplog.records, "the request was logged"
    assert all(AZURE_KEY not in text for text in shown)
    assert AZURE_KEY.encode() not in pickle.dumps(session)


def test_unpickled_session_reads_the_key_again(
    azure_fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = pickle.loads(pickle.dumps(keyed(azure_fake, azure_deployment="d")))
    with pytest.raises(OpenAIError, match="AZURE_OPENAI_API_KEY"):
        models.list(copy)
    assert azure_fake.requests == []

    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "from-env")
    copy = pickle.loads(pickle.dumps(keyed(azure_fake, azure_deployment="d")))
    azure_fake.enqueue(json_reply({"object": "list", "data": []}))
    models.list(copy)
    assert azure_fake.last.headers["api-key"] == "from-env"
    assert copy.api_version == API_VERSION and copy.azure_deployment == "d"


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"api_version": None}, OpenAIError, "api_version"),
        ({"azure_endpoint": None}, OpenAIError, "azure_endpoint"),
        ({"api_key": None}, OpenAIError, "No Azure credential"),
        ({"azure_ad_token": "t"}, ValueError, "api_key and azure_ad_token"),
        ({"api_key": None, "azure_ad_token_provider": "not callable"}, TypeError, "azure_ad_token_provider"),
    ],
)
def test_missing_or_conflicting_settings(kwargs: dict, error: type, message: str) -> None:
    options = {"azure_endpoint": "https://res.openai.azure.com", "api_version": API_VERSION, "api_key": "k"}
    options.update(kwargs)
    with pytest.raises(error, match=message):
        AzureOpenAISession(**options)


def test_base_url_instead_of_an_endpoint(azure_fake: FakeOpenAI) -> None:
    azure_fake.enqueue(json_reply(COMPLETION))
    session = AzureOpenAISession(base_url=azure_fake.url, api_version=API_VERSION, api_key=AZURE_KEY)
    chat.create(session, model="dep", messages=[{"role": "user", "content": "Hi"}])
    assert azure_fake.last.path == "/openai/deployments/dep/chat/completions"


def test_a_redirect_to_another_host_does_not_carry_the_api_key(azure_fake: FakeOpenAI) -> None:
    with FakeOpenAI(host="127.0.0.2") as elsewhere:
        azure_fake.enqueue(Reply(307, headers={"Location": elsewhere.url + "/models"}))

        resp = models.list(keyed(azure_fake))

        assert resp.status_code == 401  # the other host never got a credential
        assert azure_fake.last.headers["api-key"] == AZURE_KEY
        assert elsewhere.last.path == "/v1/models"
        assert "api-key" not in elsewhere.last.headers
        assert "Authorization" not in elsewhere.last.headers
