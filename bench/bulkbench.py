"""The bulk benchmarks: a 100,000-request Batch API job, and bulk.map at the rate limits.

Both run against :class:`~openai_lite.testing.FakeOpenAI` in a process of its own
(``bench/fake_server.py``), the client in another (``bench/bulk_worker.py``).

* ``bulk.run`` of N chat requests (batches sped up 1000 times): the wall time, and the
  growth of the client's peak RSS while it submits, waits and reads every result.
* ``bulk.map`` of chat calls against the fake limited to 3,000 requests and 300,000 tokens
  a minute, every bucket 2 % full at the start; beside it, a plain ``ThreadPoolExecutor``
  over the same kind of session with its default retries. Each call is charged about 100
  tokens (its prompt and ``max_tokens``), so both limits bind. The fraction of the limit
  is the calls admitted divided by what the limit allowed in the elapsed time, from the
  2 % start: the larger of the request and token fractions.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from typing import Any, Dict, List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
RPM, TPM, START = 3000, 300_000, 0.02
MAX_TOKENS = 77  # with the prompt's 23 words, 100 tokens a call
WORKERS = 16


class _Process:
    def __init__(self, args: List[str], env: Dict[str, str], cpu: Optional[int]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable] + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
        )
        if cpu is not None:
            os.sched_setaffinity(self.proc.pid, {cpu})
        assert self.proc.stdout is not None
        self.first = self.proc.stdout.readline().strip()

    def ask(self, **cmd: Any) -> Dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        out = dict(json.loads(self.proc.stdout.readline()))
        if "error" in out:
            raise RuntimeError(f"{cmd}: {out['error']}")
        return out

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def measure(
    env: Dict[str, str],
    *,
    requests: int,
    calls: int,
    log: Any,
    client_cpu: Optional[int] = None,
    server_cpu: Optional[int] = None,
) -> Dict[str, Any]:
    """Run both benchmarks; return their raw figures."""
    fake = _Process([os.path.join(HERE, "fake_server.py")], env, server_cpu)
    raw: Dict[str, Any] = {}
    try:
        fake.ask(cmd="batches", speed=1000)
        log(f"bulk.run: {requests:,} chat requests through the Batch API")
        worker = _Process([os.path.join(HERE, "bulk_worker.py"), fake.first], env, client_cpu)
        try:
            with tempfile.TemporaryDirectory() as folder:
                raw["run"] = worker.ask(task="run", n=requests, dir=folder)
        finally:
            worker.close()
        for how in ("bulk", "pool"):
            name = "bulk.map" if how == "bulk" else "ThreadPoolExecutor"
            log(f"{name} at {RPM:,} RPM and {TPM:,} TPM: {calls:,} calls")
            fake.ask(cmd="reset")
            worker = _Process([os.path.join(HERE, "bulk_worker.py"), fake.first], env, client_cpu)
            try:
                fake.ask(cmd="limits", rpm=RPM, tpm=TPM, start=START)
                out = worker.ask(task="map", how=how, n=calls, workers=WORKERS, max_tokens=MAX_TOKENS)
                out.update(fake.ask(cmd="stats"))
                fake.ask(cmd="limits")
            finally:
                worker.close()
            seconds = out["seconds"]
            allowed_requests = RPM * START + RPM / 60 * seconds
            allowed_tokens = TPM * START + TPM / 60 * seconds
            out["fraction"] = max(out["admitted"] / allowed_requests, out["tokens"] / allowed_tokens)
            out["lost"] = calls - out["items"]
            raw[how] = out
    finally:
        fake.close()
    return raw


def rows(raw: Dict[str, Any], requests: int, calls: int) -> List[Any]:
    """The table rows: (figure, measured, goal, met)."""
    run, lite, pool = raw["run"], raw["bulk"], raw["pool"]
    whole = run["results"] == run["ok"] == requests and run["in_order"]
    out = [
        (
            f"bulk.run, {requests:,} chat requests",
            f"{run['wall']:.0f} s; peak RSS +{run['growth']:.1f} MiB"
            + ("" if whole else " (results missing)"),
            "<= 64 MiB",
            run["growth"] <= 64 and whole,
        ),
    ]
    for name, r in (("bulk.map", lite), ("ThreadPoolExecutor", pool)):
        share = 100.0 * r["limited"] / calls
        out.append(
            (
                f"{name}, {calls:,} calls at 3k RPM/300k TPM"
                if name == "bulk.map"
                else f"  {name}, same calls",
                f"{r['fraction']:.3f} of the limit; {r['limited']} 429s ({share:.1f} %); "
                f"{max(r['lost'], r['failed'])} lost, {r['duplicated']} duplicated; {r['wall']:.0f} s",
                ">= 0.95; <= 1 %; 0; 0" if name == "bulk.map" else "report",
                r["fraction"] >= 0.95 and share <= 1.0 and r["lost"] == r["failed"] == r["duplicated"] == 0
                if name == "bulk.map"
                else None,
            )
        )
    return out


if __name__ == "__main__":
    n, m = (int(a) for a in sys.argv[1:3])
    figures = measure(dict(os.environ), requests=n, calls=m, log=lambda s: print(s, file=sys.stderr))
    print(json.dumps(figures, indent=1))
    for row in rows(figures, n, m):
        print(row)
