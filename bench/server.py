"""A fast keep-alive HTTP/1.1 server on raw sockets, for the benchmarks.

It answers a few OpenAI routes with fixed bodies, so that the figures measure the clients
and not the server: one thread per connection, ``TCP_NODELAY`` on every socket (a small
response otherwise waits for the client's delayed ACK), and each response sent with one
``sendall``.

* ``POST /v1/chat/completions``: a fixed 700-byte chat completion; with ``"stream": true``
  in the body, a chunked event stream whose first event is flushed at once, followed by
  the rest after :data:`STREAM_PAUSE` seconds.
* ``POST /v1/files``: the body is read and thrown away, block by block; a file object is
  returned.
* ``POST /__stats`` and ``POST /__reset``: the number of client connections accepted (a
  connection whose first request is one of these two is not counted).

Run as a script it prints its port, serves until its standard input closes, and exits.
"""

from __future__ import annotations

import json
import re
import socket
import sys
import threading
import time
from typing import Dict, List, Optional, Tuple

STREAM_PAUSE = 0.1

_STREAM = re.compile(rb'"stream"\s*:\s*true')


def _completion(size: int = 700) -> bytes:
    body = {
        "id": "chatcmpl-bench0000000000000000000000",
        "object": "chat.completion",
        "created": 1732500000,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "", "refusal": None, "annotations": []},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": 12,
            "completion_tokens": 40,
            "total_tokens": 52,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        },
        "service_tier": "default",
        "system_fingerprint": "fp_bench00000",
    }
    bare = len(json.dumps(body, separators=(",", ":")).encode())
    body["choices"][0]["message"]["content"] = ("The capital of France is Paris. " * 40)[: size - bare]  # type: ignore[index]
    data = json.dumps(body, separators=(",", ":")).encode()
    assert len(data) == size, len(data)
    return data


COMPLETION = _completion()


def _chunks() -> List[bytes]:
    events = []
    for i, piece in enumerate(["The", " capital", " of", " France", " is", " Paris", "."]):
        delta = {"role": "assistant", "content": piece} if i == 0 else {"content": piece}
        chunk = {
            "id": "chatcmpl-bench",
            "object": "chat.completion.chunk",
            "created": 1732500000,
            "model": "gpt-4o-mini-2024-07-18",
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": None}],
        }
        events.append(b"data: " + json.dumps(chunk, separators=(",", ":")).encode() + b"\n\n")
    last = {
        "id": "chatcmpl-bench",
        "object": "chat.completion.chunk",
        "created": 1732500000,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [{"index": 0, "delta": {}, "logprobs": None, "finish_reason": "stop"}],
    }
    events.append(b"data: " + json.dumps(last, separators=(",", ":")).encode() + b"\n\n")
    events.append(b"data: [DONE]\n\n")
    return events


STREAM_EVENTS = _chunks()

FILE_OBJECT = json.dumps(
    {
        "id": "file-bench",
        "object": "file",
        "bytes": 0,
        "created_at": 1732500000,
        "filename": "upload.bin",
        "purpose": "assistants",
        "status": "processed",
    }
).encode()


def _response(body: bytes, content_type: str = "application/json", status: str = "200 OK") -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
        "x-request-id: req_bench\r\n\r\n"
    )
    return head.encode() + body


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


class BenchServer:
    """The server; :attr:`connections` counts the client connections accepted."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, port))
        self._sock.listen(128)
        self.port: int = self._sock.getsockname()[1]
        self.connections = 0
        self._lock = threading.Lock()
        self._replies: Dict[Tuple[bytes, bytes], bytes] = {
            (b"POST", b"/v1/chat/completions"): _response(COMPLETION),
            (b"POST", b"/v1/files"): _response(FILE_OBJECT),
        }

    def serve_forever(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def start(self) -> BenchServer:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def close(self) -> None:
        self._sock.close()

    def _serve(self, conn: socket.socket) -> None:
        first = True
        buf = b""
        try:
            while True:
                while b"\r\n\r\n" not in buf:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buf += data
                head, _, buf = buf.partition(b"\r\n\r\n")
                lines = head.split(b"\r\n")
                method, path, _ = lines[0].split(b" ", 2)
                length, chunked = 0, False
                for line in lines[1:]:
                    name, _, value = line.partition(b":")
                    name = name.strip().lower()
                    if name == b"content-length":
                        length = int(value)
                    elif name == b"transfer-encoding" and b"chunked" in value.lower():
                        chunked = True
                if first:
                    first = False
                    if path.startswith(b"/__"):
                        with self._lock:
                            self.connections -= 1
                if chunked:
                    body, buf = self._read_chunked(conn, buf)
                else:
                    body, buf = self._read_body(conn, buf, length)
                if path.startswith(b"/__"):
                    if path == b"/__reset":
                        with self._lock:
                            self.connections = 0
                    conn.sendall(_response(json.dumps({"connections": self.connections}).encode()))
                    continue
                if path == b"/v1/chat/completions" and _STREAM.search(body):
                    self._stream(conn)
                    continue
                reply = self._replies.get((method, path.split(b"?", 1)[0]))
                conn.sendall(
                    reply if reply is not None else _response(b'{"error":{}}', status="404 Not Found")
                )
        except (OSError, ValueError):
            return
        finally:
            conn.close()

    @staticmethod
    def _read_body(conn: socket.socket, buf: bytes, length: int) -> Tuple[bytes, bytes]:
        """Read a body of *length* bytes; keep at most its first 64 KiB."""
        if len(buf) >= length:
            return buf[:length], buf[length:]
        kept = buf
        left = length - len(buf)
        while left > 0:
            data = conn.recv(min(left, 1 << 20))
            if not data:
                raise OSError("closed mid-body")
            left -= len(data)
            if len(kept) < 65536:
                kept += data
        return kept, b""

    @staticmethod
    def _read_chunked(conn: socket.socket, buf: bytes) -> Tuple[bytes, bytes]:
        kept = b""
        while True:
            while b"\r\n" not in buf:
                data = conn.recv(65536)
                if not data:
                    raise OSError("closed mid-body")
                buf += data
            size_line, _, buf = buf.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            while len(buf) < size + 2:
                data = conn.recv(1 << 20)
                if not data:
                    raise OSError("closed mid-body")
                buf += data
                if len(buf) > size + 2 and size == 0:
                    break
            if size == 0:
                # the trailer section ends with an empty line
                while not buf.startswith(b"\r\n") and b"\r\n\r\n" not in buf:
                    buf += conn.recv(65536)
                end = 2 if buf.startswith(b"\r\n") else buf.index(b"\r\n\r\n") + 4
                return kept, buf[end:]
            if len(kept) < 65536:
                kept += buf[:size]
            buf = buf[size + 2 :]

    @staticmethod
    def _stream(conn: socket.socket) -> None:
        head = (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n"
            b"x-request-id: req_bench\r\n\r\n"
        )
        conn.sendall(head + _chunk(STREAM_EVENTS[0]))
        time.sleep(STREAM_PAUSE)
        conn.sendall(b"".join(_chunk(e) for e in STREAM_EVENTS[1:]) + b"0\r\n\r\n")


def stats(port: int, *, reset: bool = False) -> int:
    """Return the server's connection count (and set it to 0 with *reset*)."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        path = "/__reset" if reset else "/__stats"
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n".encode())
        data = b""
        while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
            got = sock.recv(4096)
            if not got:
                break
            data += got
    return int(json.loads(data.split(b"\r\n\r\n", 1)[1])["connections"])


def main(argv: Optional[List[str]] = None) -> None:
    server = BenchServer().start()
    print(server.port, flush=True)
    sys.stdin.read()
    server.close()


if __name__ == "__main__":
    main()
