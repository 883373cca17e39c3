"""The client side of the bulk benchmarks, in a process of its own.

``python bench/bulk_worker.py URL`` builds an :class:`~openai_lite.OpenAISession` on the
fake server at URL, then reads one JSON command per line and writes one JSON result per line:

* ``{"task": "run", "n": N, "dir": D}``: N chat requests through ``bulk.run`` with its
  state in D; wall seconds, the growth of peak RSS, and the results counted.
* ``{"task": "map", "how": "bulk"|"pool", "n": N, "workers": W, "max_tokens": M}``: N chat
  calls through ``bulk.map``, or through a plain ``ThreadPoolExecutor`` calling
  ``chat.create`` on the same session with its default retries; wall seconds, the calls
  that failed, and the items answered.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import resource
import sys
import time
from typing import Any, Dict, Iterator

from openai_lite import OpenAISession, bulk, chat

KEY = "sk-bench-0000000000000000"
MODEL = "gpt-4o-mini"
TEXT = "the delivery was quick, the staff friendly and the price fair, though the box came dented"


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bodies(n: int) -> Iterator[Dict[str, Any]]:
    for i in range(n):
        content = f"Label review {i} as positive or negative: {TEXT}."
        yield {"model": MODEL, "messages": [{"role": "user", "content": content}], "max_tokens": 5}


def run(session: OpenAISession, n: int, folder: str) -> Dict[str, Any]:
    before = peak_rss_mib()
    started = time.perf_counter()
    count = ok = 0
    last = -1
    in_order = True
    for r in bulk.run(session, bodies(n), endpoint="/v1/chat/completions", state=os.path.join(folder, "job")):
        index = int(r.custom_id.rsplit("-", 1)[1])
        in_order = in_order and index == last + 1
        last = index
        count += 1
        ok += r.ok
    wall = time.perf_counter() - started
    return {"wall": wall, "growth": peak_rss_mib() - before, "results": count, "ok": ok, "in_order": in_order}


def calls(n: int) -> Iterator[Dict[str, Any]]:
    for i in range(n):
        yield {
            "messages": [{"role": "user", "content": f"Label review {i} as positive or negative: {TEXT}."}]
        }


def mapped(session: OpenAISession, how: str, n: int, workers: int, max_tokens: int) -> Dict[str, Any]:
    started = time.perf_counter()
    seen = set()
    failed = 0
    if how == "bulk":
        for r in bulk.map(
            session, chat.create, calls(n), workers=workers, model=MODEL, max_tokens=max_tokens
        ):
            seen.add(r.index)
            failed += not r.ok
    else:

        def one(item: Dict[str, Any]) -> bool:
            return chat.create(session, model=MODEL, max_tokens=max_tokens, **item).ok

        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
            for index, ok in enumerate(pool.map(one, calls(n))):
                seen.add(index)
                failed += not ok
    return {"wall": time.perf_counter() - started, "failed": failed, "indexes": len(seen)}


def main() -> int:
    session = OpenAISession(api_key=KEY, base_url=sys.argv[1])
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        cmd = json.loads(line)
        try:
            if cmd["task"] == "run":
                out = run(session, cmd["n"], cmd["dir"])
            else:
                out = mapped(session, cmd["how"], cmd["n"], cmd["workers"], cmd["max_tokens"])
        except Exception as exc:  # reported to the driver
            out = {"error": f"{type(exc).__name__}: {exc}"}
        print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
