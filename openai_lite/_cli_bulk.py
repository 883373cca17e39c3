"""``openai-lite bulk``: a Batch API job from a shell, JSONL in and out, progress on stderr.

::

    openai-lite bulk run labels.job requests.jsonl -e /v1/chat/completions > results.jsonl
    openai-lite bulk submit labels.job requests.jsonl -e /v1/embeddings
    openai-lite bulk status labels.job
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import os
import sys
from typing import Any, Callable, Iterator

__all__ = ["add_bulk_parser"]


def _requests(args: argparse.Namespace) -> Any:
    """The input: a JSONL path, or JSON lines read from stdin as they are needed."""
    from .cli import UsageError

    if args.input and args.input != "-":
        return args.input
    if sys.stdin is None or sys.stdin.isatty():
        if os.path.exists(args.state):
            return iter(())  # resuming: the requests are read only if the job never got them all
        raise UsageError("give a JSONL file of requests, or pipe one on stdin")

    def lines() -> Iterator[Any]:
        for number, text in enumerate(sys.stdin, 1):
            if text.strip():
                try:
                    yield json.loads(text)
                except ValueError as exc:
                    raise UsageError(f"stdin: line {number} is not JSON: {exc}") from None

    return lines()


def _progress(args: argparse.Namespace) -> Any:
    if args.no_progress:
        return None
    if sys.stderr.isatty() and importlib.util.find_spec("tqdm") is not None:
        return True  # a tqdm bar (optional: pip install openai-lite[progress])

    def report(job: Any) -> None:
        sys.stderr.write(f"{job}\n")
        sys.stderr.flush()

    return report


def _bad_input_is_usage(cmd: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Report a bad request in the input (a duplicate custom_id, ...) as a usage error."""

    def wrapped(args: argparse.Namespace) -> int:
        from .cli import UsageError

        try:
            return cmd(args)
        except (ValueError, TypeError) as exc:
            raise UsageError(str(exc)) from None

    return wrapped


def _print_status(job: Any) -> int:
    sys.stdout.write(json.dumps(dataclasses.asdict(job)) + "\n")
    return 0


def _print_results(results: Any) -> int:
    for r in results:
        line = {"custom_id": r.custom_id, "status_code": r.status_code, "body": r.body, "error": r.error}
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 0


def _job_options(args: argparse.Namespace) -> Any:
    from .cli import UsageError

    metadata = {}
    for pair in args.metadata or []:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--metadata takes key=value, not {pair!r}")
        metadata[key] = value
    return {
        "endpoint": args.endpoint,
        "max_lines": args.max_lines,
        "max_bytes": args.max_bytes,
        "retry_failed": args.retry_failed,
        "metadata": metadata or None,
    }


@_bad_input_is_usage
def cmd_submit(args: argparse.Namespace) -> int:
    from . import bulk
    from .cli import _session

    return _print_status(bulk.submit(_session(args), _requests(args), state=args.state, **_job_options(args)))


@_bad_input_is_usage
def cmd_run(args: argparse.Namespace) -> int:
    from . import bulk
    from .cli import _session

    results = bulk.run(
        _session(args),
        _requests(args),
        state=args.state,
        timeout=args.wait_timeout,
        poll_interval=args.poll_interval,
        progress=_progress(args),
        **_job_options(args),
    )
    return _print_results(results)


def cmd_wait(args: argparse.Namespace) -> int:
    from . import bulk
    from .cli import _session

    job = bulk.wait(
        _session(args),
        args.state,
        timeout=args.wait_timeout,
        poll_interval=args.poll_interval,
        progress=_progress(args),
    )
    return _print_status(job)


def cmd_results(args: argparse.Namespace) -> int:
    from . import bulk
    from .cli import _session

    results = bulk.results(
        _session(args),
        args.state,
        wait=not args.no_wait,
        timeout=args.wait_timeout,
        poll_interval=args.poll_interval,
        progress=_progress(args),
    )
    return _print_results(results)


def cmd_status(args: argparse.Namespace) -> int:
    from . import bulk
    from .cli import _session

    return _print_status(bulk.status(_session(args), args.state))


def cmd_cancel(args: argparse.Namespace) -> int:
    from . import bulk
    from .cli import _session

    return _print_status(bulk.cancel(_session(args), args.state))


def _positive(kind: Callable[[str], Any]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive: {text}")
        return value

    return parse


def _waiting(p: argparse.ArgumentParser) -> None:
    p.add_argument("--wait-timeout", type=_positive(float), help="give up after this many seconds")
    p.add_argument("--poll-interval", type=_positive(float), default=5.0, help="first pause between polls")
    p.add_argument("--no-progress", action="store_true", help="no progress on stderr")


def _job(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", nargs="?", help="a JSONL file of requests (default: stdin)")
    p.add_argument("-e", "--endpoint", required=True, help="e.g. /v1/chat/completions")
    p.add_argument("--max-lines", type=_positive(int), default=50_000, help="requests per batch")
    p.add_argument("--max-bytes", type=_positive(int), default=200 * 1024 * 1024, help="bytes per batch file")
    p.add_argument("--retry-failed", type=int, default=0, help="rounds for requests that may succeed later")
    p.add_argument("--metadata", action="append", metavar="KEY=VALUE", help="added to every batch")


def add_bulk_parser(sub: Any) -> None:
    """Add ``bulk submit|wait|status|results|cancel|run`` to the subcommands *sub*."""
    group = sub.add_parser("bulk", help="run a Batch API job: JSONL in, JSONL out").add_subparsers(
        metavar="ACTION"
    )
    group.required = True
    p = group.add_parser("run", help="submit, wait, then print every result as a JSON line")
    p.add_argument("state", help="the job's state file (run again to resume)")
    _job(p)
    _waiting(p)
    p.set_defaults(func=cmd_run)
    p = group.add_parser("submit", help="upload the requests and start the batches; print the status")
    p.add_argument("state", help="the job's state file (run again to resume)")
    _job(p)
    p.set_defaults(func=cmd_submit)
    p = group.add_parser("wait", help="wait for every batch to end; print the status")
    p.add_argument("state")
    _waiting(p)
    p.set_defaults(func=cmd_wait)
    p = group.add_parser("results", help="print every result as a JSON line")
    p.add_argument("state")
    p.add_argument("--no-wait", action="store_true", help="fail instead of waiting for unfinished batches")
    _waiting(p)
    p.set_defaults(func=cmd_results)
    p = group.add_parser("status", help="print the job's status as JSON")
    p.add_argument("state")
    p.set_defaults(func=cmd_status)
    p = group.add_parser("cancel", help="cancel the running batches and what is not yet submitted")
    p.add_argument("state")
    p.set_defaults(func=cmd_cancel)
