"""Benchmarks of openai_lite against raw requests and the official SDK; prints a table.

``python bench/run.py [--quick]`` (or ``tox -e bench``). Every figure is measured in this run,
on this machine: the contenders run side by side, each in a process of its own, against
the raw-socket server of ``bench/server.py`` (also a process of its own), alternating in
every round so that drift hits them equally; figures are medians over the rounds, and
ratios the medians of the ratios within each round. With two cores or more the server and
the client under test are each pinned to a core of their own.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PY = sys.executable
sys.path.insert(0, HERE)

import bulkbench  # noqa: E402
from server import stats  # noqa: E402

CONTENDERS = ("lite", "requests", "sdk")
IMPORTS = {"lite": "openai_lite", "requests": "requests", "sdk": "openai"}
POOL_SIZE = 10  # requests' default pool_maxsize, which OpenAISession keeps


def child_env() -> Dict[str, str]:
    env = dict(os.environ)
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_LOG"):
        env.pop(name, None)
    # No proxy between the clients and the server; the rest of the environment is left as
    # it is, since requests reads all of it on every call.
    for name in list(env):
        if name.lower().endswith("_proxy"):
            del env[name]
    try:
        import openai_lite  # noqa: F401
    except ImportError:  # run from a checkout without installing: use the source
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [ROOT, env.get("PYTHONPATH")]))
    return env


ENV = child_env()


def has_module(name: str) -> bool:
    return subprocess.run([PY, "-c", f"import {name}"], env=ENV, capture_output=True).returncode == 0


def streaming_available() -> bool:
    code = "from openai_lite import chat; chat.stream"
    return subprocess.run([PY, "-c", code], env=ENV, capture_output=True).returncode == 0


# With two cores or more, the server keeps one core and the client under test another, so
# that neither waits for the other to be scheduled.
_CPUS = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
CLIENT_CPU, SERVER_CPU = (_CPUS[0], _CPUS[-1]) if len(_CPUS) >= 2 else (None, None)


def pin(pid: int, cpu: Optional[int]) -> None:
    if cpu is not None:
        os.sched_setaffinity(pid, {cpu})


class Server:
    """bench/server.py in a process of its own."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [PY, os.path.join(HERE, "server.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=ENV,
        )
        pin(self.proc.pid, SERVER_CPU)
        assert self.proc.stdout is not None
        self.port = int(self.proc.stdout.readline())

    def connections(self, *, reset: bool = False) -> int:
        return stats(self.port, reset=reset)

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


class Worker:
    """bench/worker.py for one contender, driven line by line."""

    def __init__(self, name: str, port: int, *, warm: bool = True) -> None:
        self.name = name
        args = [PY, os.path.join(HERE, "worker.py"), name, str(port)] + ([] if warm else ["--cold"])
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=ENV)
        pin(self.proc.pid, CLIENT_CPU)
        ready = self._read()
        if not ready.get("ready"):
            raise RuntimeError(f"{name} worker did not start: {ready}")

    def _read(self) -> Dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.name} worker exited ({self.proc.wait()})")
        return dict(json.loads(line))

    def ask(self, **cmd: Any) -> Dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        out = self._read()
        if "error" in out:
            raise RuntimeError(f"{self.name} {cmd['task']}: {out['error']}")
        return out

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def rotated(items: Sequence[str], r: int) -> List[str]:
    k = r % len(items)
    return list(items[k:]) + list(items[:k])


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- the measurements


def bench_calls(server: Server, names: Sequence[str], rounds: int, n: int) -> Dict[str, Dict[str, float]]:
    workers = {name: Worker(name, server.port) for name in names}
    rates: Dict[str, List[float]] = {name: [] for name in names}
    cpus: Dict[str, List[float]] = {name: [] for name in names}
    try:
        for name in names:  # a warm-up round, not counted
            workers[name].ask(task="calls", n=max(n // 10, 50))
        for r in range(rounds):
            for name in rotated(names, r):
                res = workers[name].ask(task="calls", n=n)
                rates[name].append(n / res["wall"])
                cpus[name].append(res["cpu"] / n)
            log(
                f"  calls round {r + 1}/{rounds}: "
                + ", ".join(f"{k} {rates[k][-1]:,.0f}/s {cpus[k][-1] * 1e6:.0f} us" for k in names)
            )
    finally:
        for w in workers.values():
            w.close()
    out: Dict[str, Dict[str, float]] = {
        name: {"rate": statistics.median(rates[name]), "cpu_us": statistics.median(cpus[name]) * 1e6}
        for name in names
    }
    # Ratios are taken within each round, between runs next to each other, then their median.
    for name in names:
        out["lite"][f"rate_vs_{name}"] = statistics.median(a / b for a, b in zip(rates["lite"], rates[name]))
        out["lite"][f"cpu_vs_{name}"] = statistics.median(b / a for a, b in zip(cpus["lite"], cpus[name]))
    return out


def bench_threads(server: Server, names: Sequence[str], rounds: int, n: int) -> Dict[str, Dict[str, Any]]:
    rates: Dict[str, List[float]] = {name: [] for name in names}
    conns: Dict[str, int] = {name: 0 for name in names}
    errors: Dict[str, int] = {name: 0 for name in names}
    first_error: Dict[str, Optional[str]] = {name: None for name in names}
    for r in range(rounds):
        for name in rotated(names, r):
            server.connections(reset=True)
            worker = Worker(name, server.port, warm=False)
            try:
                out = worker.ask(task="threads", n=n, threads=8)
            finally:
                worker.close()
            rates[name].append(out["calls"] / out["wall"])
            conns[name] = max(conns[name], server.connections())
            errors[name] += out["errors"]
            first_error[name] = first_error[name] or out["first_error"]
    return {
        name: {
            "rate": statistics.median(rates[name]),
            "connections": conns[name],
            "errors": errors[name],
            "first_error": first_error[name],
        }
        for name in names
    }


def bench_stream(server: Server, names: Sequence[str], n: int) -> Dict[str, Dict[str, Any]]:
    out: Dict[str, Dict[str, Any]] = {}
    for name in names:
        server.connections(reset=True)
        worker = Worker(name, server.port, warm=False)
        try:
            res = worker.ask(task="stream", n=n)
        finally:
            worker.close()
        out[name] = {
            "connections": server.connections(),
            "first_ms": statistics.median(res["first"]) * 1e3,
            "first_max_ms": max(res["first"][1:] or res["first"]) * 1e3,
            "events": res["events"],
        }
    return out


def bench_upload(server: Server, names: Sequence[str], size_mb: int) -> Dict[Tuple[str, str], float]:
    out: Dict[Tuple[str, str], float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "upload.bin")
        block = bytes(range(256)) * 4096  # 1 MiB
        with open(path, "wb") as f:
            for _ in range(size_mb):
                f.write(block)
        for how in ("path", "file"):
            for name in names:
                worker = Worker(name, server.port)
                try:
                    res = worker.ask(task="upload", path=path, how=how)
                finally:
                    worker.close()
                out[(name, how)] = res["growth"] / 2**20
    return out


def bench_import(names: Sequence[str], rounds: int) -> Dict[str, Dict[str, float]]:
    walls: Dict[str, List[float]] = {name: [] for name in list(names) + ["python"]}
    rss: Dict[str, List[float]] = {name: [] for name in walls}
    code = "import resource{}; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    keys = list(walls)
    for name in keys:  # write the bytecode caches first
        subprocess.run(
            [PY, "-c", code.format("" if name == "python" else ", " + IMPORTS[name])],
            env=ENV,
            check=True,
            capture_output=True,
        )
    for r in range(rounds):
        for name in rotated(keys, r):
            stmt = "pass" if name == "python" else f"import {IMPORTS[name]}"
            t0 = time.perf_counter()
            subprocess.run([PY, "-c", stmt], env=ENV, check=True)
            walls[name].append(time.perf_counter() - t0)
            mem = subprocess.run(
                [PY, "-c", code.format("" if name == "python" else ", " + IMPORTS[name])],
                env=ENV,
                check=True,
                capture_output=True,
                text=True,
            )
            rss[name].append(int(mem.stdout) / 1024)
    return {
        name: {"wall_ms": statistics.median(walls[name]) * 1e3, "rss_mb": statistics.median(rss[name])}
        for name in keys
    }


def bench_decode(rounds: int) -> Dict[str, float]:
    out = subprocess.run(
        [PY, os.path.join(HERE, "decode.py"), str(rounds)],
        env=ENV,
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout))


# ---------------------------------------------------------------- the table


def machine() -> str:
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    cores = os.cpu_count()
    system = f"{platform.system()} {platform.release()}"
    return f"{cores} cores, {model}, Python {platform.python_version()}, {system}"


def versions() -> str:
    code = (
        "import importlib.metadata as m\n"
        "for p in ('openai-lite', 'requests', 'urllib3', 'openai'):\n"
        "    try: print(p, m.version(p))\n"
        "    except m.PackageNotFoundError: print(p, 'source' if p == 'openai-lite' else '-')\n"
    )
    out = subprocess.run([PY, "-c", code], env=ENV, capture_output=True, text=True).stdout.split("\n")
    return ", ".join(line for line in out if line)


class Table:
    def __init__(self) -> None:
        self.rows: List[Tuple[str, str, str, str]] = []

    def add(self, figure: str, value: str, goal: str, met: Optional[bool]) -> None:
        verdict = "" if met is None else ("met" if met else "NOT met")
        self.rows.append((figure, value, goal, verdict))

    def render(self) -> str:
        head = ("figure", "measured", "goal", "")
        widths = [max(len(row[i]) for row in self.rows + [head]) for i in range(4)]
        rule = "  ".join("=" * w for w in widths)
        lines = [rule, "  ".join(h.ljust(w) for h, w in zip(head, widths)).rstrip(), rule]
        lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in self.rows]
        lines.append(rule)
        return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and calls (about a minute)")
    parser.add_argument("--json", metavar="PATH", help="also write the raw figures to PATH")
    args = parser.parse_args(argv)
    quick = args.quick
    rounds = 3 if quick else 7
    calls = 500 if quick else 2000
    started = time.perf_counter()

    sdk = has_module("openai")
    names = [n for n in CONTENDERS if sdk or n != "sdk"]
    if not sdk:
        log("the official SDK (openai) is not installed: its columns are left out")
    raw: Dict[str, Any] = {}

    server = Server()
    try:
        log(f"calls/s: {rounds} rounds of {calls} sequential calls")
        raw["calls"] = bench_calls(server, names, rounds, calls)
        thread_calls = 1000 if quick else 4000
        log(f"threads: 8 threads, {thread_calls:,} calls")
        raw["threads"] = bench_threads(server, names, 1 if quick else 2, thread_calls)
        stream_names = [n for n in names if n != "requests"]
        if streaming_available():
            log("streaming: 20 sequential streams")
            raw["stream"] = bench_stream(server, stream_names, 20)
        size = 50 if quick else 200
        log(f"upload: {size} MB from a path and from an open file")
        raw["upload"] = {f"{k[0]}.{k[1]}": v for k, v in bench_upload(server, stream_names, size).items()}
    finally:
        server.close()
    log(f"import: {5 if quick else 10} rounds")
    raw["import"] = bench_import(names, 5 if quick else 10)
    log("decode")
    raw["decode"] = bench_decode(3 if quick else 7)
    bulk_requests, bulk_calls = (20_000, 500) if quick else (100_000, 3_000)
    raw["bulk"] = bulkbench.measure(
        ENV,
        requests=bulk_requests,
        calls=bulk_calls,
        log=log,
        client_cpu=CLIENT_CPU,
        server_cpu=SERVER_CPU,
    )

    table = Table()
    c = raw["calls"]
    lite, req = c["lite"], c["requests"]
    sdk_rate = c["sdk"]["rate"] if sdk else None
    table.add(
        "calls/s, chat completion",
        f"lite {lite['rate']:,.0f}; requests {req['rate']:,.0f}"
        + (f"; SDK {sdk_rate:,.0f}" if sdk_rate else ""),
        "",
        None,
    )
    table.add(
        "  vs raw requests",
        f"{lite['rate_vs_requests']:.2f}x",
        ">= 1.0x",
        lite["rate_vs_requests"] >= 1.0,
    )
    if sdk_rate:
        table.add("  vs the SDK", f"{lite['rate_vs_sdk']:.2f}x", ">= 1.6x", lite["rate_vs_sdk"] >= 1.6)
    table.add(
        "client CPU per call",
        f"lite {lite['cpu_us']:.0f} us; requests {req['cpu_us']:.0f} us"
        + (f"; SDK {c['sdk']['cpu_us']:.0f} us" if sdk else ""),
        "report",
        None,
    )
    table.add(
        "  requests / lite",
        f"{lite['cpu_vs_requests']:.2f}x",
        ">= 1.3x (stretch)",
        lite["cpu_vs_requests"] >= 1.3,
    )

    imp = raw["import"]
    base = imp["python"]["wall_ms"]
    table.add(
        "import (process wall)",
        f"lite {imp['lite']['wall_ms']:.0f} ms; requests {imp['requests']['wall_ms']:.0f} ms"
        + (f"; SDK {imp['sdk']['wall_ms']:.0f} ms" if sdk else "")
        + f"; bare python {base:.0f} ms",
        "",
        None,
    )
    extra = imp["lite"]["wall_ms"] - imp["requests"]["wall_ms"]
    table.add("  over import requests", f"{extra:+.0f} ms", "<= +40 ms", extra <= 40)
    if sdk:
        ratio = imp["lite"]["wall_ms"] / imp["sdk"]["wall_ms"]
        table.add("  vs import openai", f"{ratio:.2f}x", "<= 0.25x", ratio <= 0.25)
    table.add(
        "memory after import (peak RSS)",
        f"lite {imp['lite']['rss_mb']:.1f} MB; requests {imp['requests']['rss_mb']:.1f} MB"
        + (f"; SDK {imp['sdk']['rss_mb']:.1f} MB" if sdk else ""),
        "<= 35 MB",
        imp["lite"]["rss_mb"] <= 35,
    )

    rounds_of = raw["decode"]
    d = {k: statistics.median(v) for k, v in rounds_of.items()}

    def paired(a: str, b: str, how: Callable[[float, float], float]) -> float:
        """The median over the rounds of how(a, b), each pair timed in the same round."""
        return statistics.median(how(x, y) for x, y in zip(rounds_of[a], rounds_of[b]))

    over = paired("small.lite", "small.json", lambda x, y: x - y) * 1e6
    table.add(
        "decode, small chat completion",
        f"lite {d['small.lite'] * 1e6:.1f} us; json.loads {d['small.json'] * 1e6:.1f} us (+{over:.1f} us)"
        + (f"; SDK {d['small.sdk'] * 1e6:.0f} us" if "small.sdk" in d else ""),
        "<= json.loads + 25 us",
        over <= 25,
    )
    ratio = paired("float.lite", "float.json", lambda x, y: x / y)
    table.add(
        "decode, 100 x 1536 floats",
        f"lite {d['float.lite'] * 1e3:.1f} ms; json.loads {d['float.json'] * 1e3:.1f} ms ({ratio:.2f}x)"
        + (f"; SDK {d['float.sdk'] * 1e3:.0f} ms" if "float.sdk" in d else ""),
        "<= 1.2x json.loads",
        ratio <= 1.2,
    )
    speed = paired("float.lite", "b64.lite", lambda x, y: x / y)
    table.add(
        "decode, 100 x 1536 base64",
        f"lite {d['b64.lite'] * 1e3:.1f} ms ({speed:.1f}x faster than floats); "
        f"json.loads {d['b64.json'] * 1e3:.1f} ms",
        ">= 3x faster than floats",
        speed >= 3,
    )

    up = raw["upload"]
    for how, label in (("path", "from a path"), ("file", "from an open file")):
        growth = up[f"lite.{how}"]
        sdk_growth = up.get(f"sdk.{how}")
        table.add(
            f"upload {size} MB {label} (RSS growth)",
            f"lite +{growth:.1f} MiB" + (f"; SDK +{sdk_growth:.0f} MiB" if sdk_growth is not None else ""),
            "<= 16 MiB",
            growth <= 16,
        )

    if "stream" in raw:
        s = raw["stream"]
        ls = s["lite"]
        table.add(
            "streaming, 20 streams: connections",
            f"lite {ls['connections']}" + (f"; SDK {s['sdk']['connections']}" if "sdk" in s else ""),
            "1",
            ls["connections"] == 1,
        )
        table.add(
            "  time to first event (median, max)",
            f"lite {ls['first_ms']:.1f} ms, {ls['first_max_ms']:.1f} ms"
            + (f"; SDK {s['sdk']['first_ms']:.1f} ms" if "sdk" in s else ""),
            "<= 50 ms",
            ls["first_max_ms"] <= 50,
        )
    else:
        table.add("streaming, 20 streams", "n/a (streaming not available)", "1 conn.; <= 50 ms", None)

    t = raw["threads"]
    lt = t["lite"]
    table.add(
        "threads: 8 on one session, calls/s",
        f"lite {lt['rate']:,.0f}; requests {t['requests']['rate']:,.0f}"
        + (f"; SDK {t['sdk']['rate']:,.0f}" if sdk else ""),
        "report",
        None,
    )
    table.add(
        "  errors; connections opened",
        f"lite {lt['errors']}; {lt['connections']}"
        + (f" (SDK {t['sdk']['errors']}; {t['sdk']['connections']})" if sdk else ""),
        f"0; <= {POOL_SIZE} (pool size)",
        lt["errors"] == 0 and lt["connections"] <= POOL_SIZE,
    )

    for row in bulkbench.rows(raw["bulk"], bulk_requests, bulk_calls):
        table.add(*row)

    print()
    print(f"openai_lite benchmarks, {datetime.date.today().isoformat()}" + (" (--quick)" if quick else ""))
    print(f"machine: {machine()}")
    print(f"versions: {versions()}")
    print(f"server: bench/server.py on 127.0.0.1; {rounds} rounds, contenders alternating; figures are")
    print("medians over the rounds, ratios the medians of the ratios within each round;")
    print(f"environment: {len(ENV)} variables, no proxy variables")
    print()
    print(table.render())
    print()
    print(f"({time.perf_counter() - started:.0f} s)")
    if args.json:
        raw["date"] = datetime.date.today().isoformat() + (" (--quick)" if quick else "")
        raw["machine"], raw["versions"] = machine(), versions()
        with open(args.json, "w") as f:
            json.dump(raw, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
