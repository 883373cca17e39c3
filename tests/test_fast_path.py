"""What a user configures on an OpenAISession is honoured on every call; decoders are exact.

OpenAISession remembers requests' merge of the environment with the session's settings
(``merge_environment_settings``) instead of reading every proxy variable on each call.
These tests change the environment and the session between calls and check what went over
the wire: through a proxy on 127.0.0.1, or straight to the fake. The last tests cover the
decoders that :mod:`openai_lite._model` generates for each response class.
"""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
import requests
from requests.adapters import HTTPAdapter

from openai_lite import OpenAISession, models
from openai_lite._model import DecodeError, Model, json_name
from openai_lite.testing import FakeOpenAI

MODELS = b'{"object":"list","data":[]}'


class FakeProxy:
    """An HTTP proxy on 127.0.0.1 that answers every request itself and records its line."""

    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(8)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self.lines: List[str] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            buf = b""
            while True:
                while b"\r\n\r\n" not in buf:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buf += data
                head, _, buf = buf.partition(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                length = sum(
                    int(v)
                    for k, _, v in (h.partition(":") for h in lines[1:])
                    if k.lower() == "content-length"
                )
                while len(buf) < length:
                    buf += conn.recv(65536)
                buf = buf[length:]
                self.lines.append(lines[0])
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                    % (len(MODELS), MODELS)
                )

    def close(self) -> None:
        self._sock.close()


class RecordingAdapter(HTTPAdapter):
    """A user's own adapter: records what requests hands to it, then sends as usual."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: List[Dict[str, Any]] = []

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        self.calls.append(dict(kwargs))
        return super().send(request, *args, **kwargs)


@pytest.fixture(autouse=True)
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start from an environment without proxy or CA bundle variables."""
    for name in list(os.environ):
        if name.lower().endswith("_proxy") or name in (
            "REQUESTS_CA_BUNDLE",
            "CURL_CA_BUNDLE",
            "REQUEST_METHOD",
        ):
            monkeypatch.delenv(name)


@pytest.fixture
def proxy() -> Iterator[FakeProxy]:
    server = FakeProxy()
    yield server
    server.close()


@pytest.fixture
def session(fake: FakeOpenAI) -> Iterator[OpenAISession]:
    with OpenAISession(api_key=fake.api_key, base_url=fake.url, max_retries=0) as s:
        yield s


def test_proxy_from_the_environment_is_read_again_after_each_change(
    fake: FakeOpenAI, session: OpenAISession, proxy: FakeProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert models.list(session).ok and len(fake.requests) == 1

    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    assert models.list(session).ok
    assert proxy.lines == [f"GET {fake.url}/models HTTP/1.1"]  # absolute form: through the proxy

    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    assert models.list(session).ok
    monkeypatch.delenv("NO_PROXY")
    monkeypatch.delenv("HTTP_PROXY")
    assert models.list(session).ok
    assert len(proxy.lines) == 1 and len(fake.requests) == 3


def test_session_proxies_are_used_and_changes_to_them_too(
    fake: FakeOpenAI, session: OpenAISession, proxy: FakeProxy
) -> None:
    session.proxies["http"] = proxy.url
    assert models.list(session).ok
    assert proxy.lines == [f"GET {fake.url}/models HTTP/1.1"] and not fake.requests

    del session.proxies["http"]
    assert models.list(session).ok
    assert len(proxy.lines) == 1 and len(fake.requests) == 1

    session.proxies = {"http": proxy.url}  # a new dict, not only a changed one
    assert models.list(session).ok
    assert len(proxy.lines) == 2


def test_trust_env_false_ignores_the_environment(
    fake: FakeOpenAI, session: OpenAISession, proxy: FakeProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/env-bundle.pem")
    adapter = RecordingAdapter()
    session.mount(fake.url + "/", adapter)
    assert models.list(session).ok
    assert len(proxy.lines) == 1 and adapter.calls[-1]["verify"] == "/etc/env-bundle.pem"

    session.trust_env = False
    assert models.list(session).ok
    assert len(proxy.lines) == 1 and len(fake.requests) == 1
    assert adapter.calls[-1]["verify"] is True and adapter.calls[-1]["proxies"] == {}


def test_verify_and_cert_reach_the_adapter(fake: FakeOpenAI, session: OpenAISession, tmp_path: Path) -> None:
    adapter = RecordingAdapter()
    session.mount(fake.url + "/", adapter)
    assert models.list(session).ok
    assert adapter.calls[-1]["verify"] is True and adapter.calls[-1]["cert"] is None

    crt, key = tmp_path / "client.crt", tmp_path / "client.key"
    crt.write_text("unused over http")
    key.write_text("unused over http")
    session.verify = "/etc/corporate-ca.pem"
    session.cert = (str(crt), str(key))
    assert models.list(session).ok
    sent = adapter.calls[-1]
    assert sent["verify"] == "/etc/corporate-ca.pem" and sent["cert"] == (str(crt), str(key))
    assert len(adapter.calls) == 2 and len(fake.requests) == 2  # the mounted adapter sent both


def test_hooks_cookies_and_headers_of_the_session_are_applied(
    fake: FakeOpenAI, session: OpenAISession
) -> None:
    seen: List[int] = []
    session.hooks["response"].append(lambda r, *args, **kwargs: seen.append(r.status_code))
    session.cookies.set("corp", "yes")
    session.headers["X-Team"] = "bench"
    assert models.list(session).ok
    assert models.list(session).ok
    assert seen == [200, 200]
    for sent in fake.requests:
        assert sent.headers["Cookie"] == "corp=yes" and sent.headers["X-Team"] == "bench"


ENVIRONMENTS: List[Dict[str, str]] = [
    {},
    {"HTTP_PROXY": "http://proxy.invalid:3128"},
    {"http_proxy": "http://lower.invalid:3128", "HTTPS_PROXY": "http://upper.invalid:3128"},
    {"HTTP_PROXY": "http://proxy.invalid:3128", "NO_PROXY": "api.example.com"},
    {"ALL_PROXY": "socks5://proxy.invalid:1080", "no_proxy": "*"},
    {"REQUESTS_CA_BUNDLE": "/etc/a.pem"},
    {"CURL_CA_BUNDLE": "/etc/b.pem"},
]
SESSIONS: List[Tuple[str, Any]] = [
    ("trust_env", False),
    ("proxies", {"https": "http://session.invalid:8080"}),
    ("proxies", {"https": None}),
    ("verify", False),
    ("cert", "/etc/client.pem"),
    ("stream", True),
]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_settings_equal_what_requests_works_out(env: Dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    s = OpenAISession(api_key="sk-test", base_url="https://api.example.com/v1")

    def check(url: str, stream: Any = False) -> None:
        for _ in range(2):  # worked out, then remembered
            ours = s.merge_environment_settings(url, {}, stream, None, None)
            theirs = requests.Session.merge_environment_settings(s, url, {}, stream, None, None)
            assert ours == theirs

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for url in ("https://api.example.com/v1/models", "http://127.0.0.1:9/x", "https://other.example.org/"):
        check(url)
        check(url, stream=None)
        for attr, value in SESSIONS:
            old = getattr(s, attr)
            setattr(s, attr, value)
            check(url)
            setattr(s, attr, old)
            check(url)


def test_the_calls_own_proxies_dict_gets_the_environments_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    s = OpenAISession(api_key="sk-test", base_url="https://api.example.com/v1")
    for _ in range(2):
        mine: Dict[str, str] = {}
        settings = s.merge_environment_settings("https://api.example.com/v1/models", mine, None, None, None)
        assert mine == {"https": "http://proxy.invalid:3128"}
        settings["proxies"]["https"] = "changed by an adapter"  # must not leak into the next call
    assert s.merge_environment_settings("https://api.example.com/v1", {}, None, None, None)["proxies"] == {
        "https": "http://proxy.invalid:3128"
    }


@dataclass
class Node(Model):
    """A class that contains itself, with every kind of field the decoder generates code for."""

    id: str
    children: Optional[List[Optional[Node]]] = None
    tags: List[str] = field(default_factory=list)
    weights: Dict[str, float] = field(default_factory=dict)
    kind: str = "node"
    flagged: Optional[bool] = field(default=None, metadata=json_name("is-flagged"))


def test_generated_decoder_takes_each_kind_of_field() -> None:
    tree = Node.from_dict(
        {"id": "a", "children": [{"id": "b", "tags": ["x"]}, None], "is-flagged": True, "unknown": 1}
    )
    assert tree == Node(id="a", children=[Node(id="b", tags=["x"]), None], flagged=True)
    first, second = Node.from_dict({"id": "c"}), Node.from_dict({"id": "d"})
    assert first.tags == [] and first.tags is not second.tags and first.weights == {} and first.kind == "node"
    assert Node.from_dict({"id": "e", "tags": None, "kind": None}) == Node(id="e", tags=None, kind=None)  # type: ignore[arg-type]


@dataclass
class Parent(Model):
    """Children that may not be null."""

    kids: List[Node]


def test_null_items_pass_only_where_the_item_type_is_optional() -> None:
    assert Parent.from_dict({"kids": [{"id": "a"}]}) == Parent(kids=[Node(id="a")])
    with pytest.raises(DecodeError, match=r"^Parent.kids: expected a list of objects, got a null item$"):
        Parent.from_dict({"kids": [{"id": "a"}, None]})


@dataclass
class Backbone(Model):
    """Required fields of each structured kind: checked strictly."""

    nodes: List[Node]
    tags: List[str]
    weights: Dict[str, float]


def test_generated_decoder_names_the_class_and_the_field() -> None:
    with pytest.raises(DecodeError, match=r"^Node: missing required field\(s\) id$"):
        Node.from_dict({"children": []})
    with pytest.raises(DecodeError, match=r"^Node: expected an object, got list$"):
        Backbone.from_dict({"nodes": [[1]], "tags": [], "weights": {}})
    with pytest.raises(DecodeError, match=r"^Backbone.tags: expected a list, got str$"):
        Backbone.from_dict({"nodes": [], "tags": "x", "weights": {}})
    with pytest.raises(DecodeError, match=r"^Backbone.weights: expected an object, got list$"):
        Backbone.from_dict({"nodes": [], "tags": [], "weights": []})


def test_optional_fields_of_another_shape_are_kept_as_they_came(caplog: pytest.LogCaptureFixture) -> None:
    body = {"id": "a", "children": [[1]], "tags": "x", "weights": [], "is-flagged": "yes"}
    with caplog.at_level("DEBUG", logger="openai_lite"):
        node = Node.from_dict(body)
    assert (node.children, node.tags, node.weights, node.flagged) == ([[1]], "x", [], "yes")
    assert node.to_dict() == body
    assert "Node.children: kept as it came" in caplog.text and "Node.tags: kept as it came" in caplog.text
