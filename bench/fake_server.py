"""FakeOpenAI in a process of its own, for the bulk benchmarks, driven line by line.

``python bench/fake_server.py`` prints the server's URL, then reads one JSON command per
line from standard input and writes one JSON answer per line:

* ``{"cmd": "batches", "speed": S}``: batches run S times faster than the defaults.
* ``{"cmd": "limits", "rpm": R, "tpm": T, "start": F}``: rate limits from now on, each
  bucket F full; ``{"cmd": "limits"}`` removes them.
* ``{"cmd": "stats"}``: the rate limiter's counts since the limits were set, and for the
  chat calls answered 200: how many items were answered once, more than once, and the
  number of distinct items.
* ``{"cmd": "reset"}``: forget every request, file and batch.

It serves until its standard input closes.
"""

from __future__ import annotations

import collections
import json
import sys
import time
from typing import Any, Dict, Optional

from openai_lite.testing import FakeOpenAI, RateLimits, batch_settings


def stats(fake: FakeOpenAI, limits: Optional[RateLimits], since: float) -> Dict[str, Any]:
    answered: Dict[str, int] = collections.Counter()
    for r in fake.requests:
        if r.route_path == "/chat/completions" and r.reply_status == 200 and isinstance(r.json, dict):
            answered[r.json["messages"][-1]["content"]] += 1
    out: Dict[str, Any] = {
        "items": len(answered),
        "duplicated": sum(1 for n in answered.values() if n > 1),
        "seconds": time.monotonic() - since,
    }
    if limits is not None:
        out.update(admitted=limits.admitted, limited=limits.limited, tokens=limits.tokens_charged)
    return out


def main() -> int:
    with FakeOpenAI(api_key="sk-bench-0000000000000000") as fake:
        print(fake.url, flush=True)
        limits: Optional[RateLimits] = None
        since = time.monotonic()
        for line in sys.stdin:
            cmd = json.loads(line)
            answer: Dict[str, Any] = {"ok": True}
            if cmd["cmd"] == "batches":
                batch_settings(fake).speed = cmd["speed"]
            elif cmd["cmd"] == "limits":
                limits = None
                if cmd.get("rpm") or cmd.get("tpm"):
                    limits = RateLimits(
                        requests_per_minute=cmd.get("rpm"),
                        tokens_per_minute=cmd.get("tpm"),
                        start=cmd.get("start", 1.0),
                    )
                fake.rate_limits = limits
                since = time.monotonic()
            elif cmd["cmd"] == "stats":
                answer = stats(fake, limits, since)
            elif cmd["cmd"] == "reset":
                fake.reset()
            print(json.dumps(answer), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
