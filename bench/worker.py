"""One contender of the benchmarks, in a process of its own.

``python bench/worker.py CONTENDER PORT [--cold]`` builds its client (``lite``: an
:class:`~openai_lite.OpenAISession` with its defaults; ``requests``: a plain
:class:`requests.Session` posting JSON; ``sdk``: the official ``openai.OpenAI`` with
``max_retries=0``), makes one call unless ``--cold`` is given, then reads one JSON command
per line from standard input and writes one JSON result per line:

* ``{"task": "calls", "n": N}``: N sequential chat completions; wall and CPU seconds.
* ``{"task": "threads", "n": N, "threads": T}``: N completions shared by T threads on one
  client; wall and CPU seconds, errors.
* ``{"task": "stream", "n": N}``: N sequential chat streams read to the end; the time to
  the first event of each.
* ``{"task": "upload", "path": P, "how": "path"|"file"}``: one file upload; the growth of
  peak RSS.
"""

from __future__ import annotations

import json
import resource
import sys
import threading
import time
from typing import Any, Callable, Dict, Iterator, List

MODEL = "gpt-4o-mini"
MESSAGES = [{"role": "user", "content": "What is the capital of France?"}]
KEY = "sk-bench-0000000000000000"


def peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class Contender:
    """The calls of one client; subclasses fill them in."""

    def __init__(self, base: str) -> None:
        self.base = base

    def call(self) -> str:
        raise NotImplementedError

    def stream(self) -> Iterator[Any]:
        raise NotImplementedError

    def upload(self, path: str, how: str) -> Any:
        raise NotImplementedError


class Lite(Contender):
    def __init__(self, base: str) -> None:
        super().__init__(base)
        from openai_lite import OpenAISession, chat

        self.chat = chat
        self.session = OpenAISession(api_key=KEY, base_url=base)

    def call(self) -> str:
        return str(
            self.chat.create(self.session, model=MODEL, messages=MESSAGES).data.choices[0].message.content
        )

    def stream(self) -> Iterator[Any]:
        stream = self.chat.stream
        with stream(self.session, model=MODEL, messages=MESSAGES) as events:
            yield from events

    def upload(self, path: str, how: str) -> Any:
        from openai_lite import files

        if how == "path":
            return files.create(self.session, file=path, purpose="assistants").data.id
        with open(path, "rb") as f:
            return files.create(self.session, file=f, purpose="assistants").data.id


class Requests(Contender):
    def __init__(self, base: str) -> None:
        super().__init__(base)
        import requests

        self.session = requests.Session()
        self.session.headers["Authorization"] = "Bearer " + KEY
        self.url = base + "/chat/completions"

    def call(self) -> str:
        body = {"model": MODEL, "messages": MESSAGES}
        return str(self.session.post(self.url, json=body).json()["choices"][0]["message"]["content"])


class SDK(Contender):
    def __init__(self, base: str) -> None:
        super().__init__(base)
        import openai

        self.client: Any = openai.OpenAI(api_key=KEY, base_url=base, max_retries=0)

    def call(self) -> str:
        resp = self.client.chat.completions.create(model=MODEL, messages=MESSAGES)
        return str(resp.choices[0].message.content)

    def stream(self) -> Iterator[Any]:
        with self.client.chat.completions.create(
            model=MODEL,
            messages=MESSAGES,
            stream=True,
        ) as events:
            yield from events

    def upload(self, path: str, how: str) -> Any:
        from pathlib import Path

        if how == "path":
            return self.client.files.create(file=Path(path), purpose="assistants").id
        with open(path, "rb") as f:
            return self.client.files.create(file=f, purpose="assistants").id


CONTENDERS: Dict[str, Callable[[str], Contender]] = {"lite": Lite, "requests": Requests, "sdk": SDK}


def run_calls(c: Contender, n: int) -> Dict[str, Any]:
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(n):
        c.call()
    return {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0}


def run_threads(c: Contender, n: int, threads: int) -> Dict[str, Any]:
    errors: List[str] = []
    per = n // threads

    def work() -> None:
        for _ in range(per):
            try:
                c.call()
            except Exception as exc:  # noqa: BLE001 - every failure is reported
                errors.append(repr(exc))

    pool = [threading.Thread(target=work) for _ in range(threads)]
    t0, c0 = time.perf_counter(), time.process_time()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return {
        "wall": time.perf_counter() - t0,
        "cpu": time.process_time() - c0,
        "calls": per * threads,
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
    }


def run_stream(c: Contender, n: int) -> Dict[str, Any]:
    firsts: List[float] = []
    events = 0
    for _ in range(n):
        t0 = time.perf_counter()
        first = None
        for _event in c.stream():
            if first is None:
                first = time.perf_counter() - t0
            events += 1
        firsts.append(first if first is not None else float("nan"))
    return {"first": firsts, "events": events}


def run_upload(c: Contender, path: str, how: str) -> Dict[str, Any]:
    before = peak_rss_bytes()
    c.upload(path, how)
    return {"growth": peak_rss_bytes() - before}


def main() -> None:
    name, port = sys.argv[1], int(sys.argv[2])
    contender = CONTENDERS[name](f"http://127.0.0.1:{port}/v1")
    if "--cold" not in sys.argv:
        contender.call()  # connect, and build what is built on first use
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        cmd = json.loads(line)
        task = cmd["task"]
        try:
            if task == "calls":
                out = run_calls(contender, cmd["n"])
            elif task == "threads":
                out = run_threads(contender, cmd["n"], cmd["threads"])
            elif task == "stream":
                out = run_stream(contender, cmd["n"])
            elif task == "upload":
                out = run_upload(contender, cmd["path"], cmd["how"])
            else:
                out = {"error": f"unknown task {task}"}
        except Exception as exc:  # noqa: BLE001 - reported to the runner
            out = {"error": f"{type(exc).__name__}: {exc}"}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
