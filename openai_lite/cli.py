"""The ``openai-lite`` command: the API's common calls from a shell, and an offline demo.

``openai-lite demo`` runs the library's whole tour; with no ``OPENAI_API_KEY`` it runs it
against the bundled :class:`~openai_lite.testing.FakeOpenAI` on 127.0.0.1, so it needs no
network. Every other subcommand calls the API configured by the environment
(``OPENAI_API_KEY``, ``OPENAI_BASE_URL``, ...), or ``--base-url``.

Exit codes: 0 success; 1 the API answered with an error (or a body that is not the
documented JSON); 2 a usage error (bad arguments, no key, a missing file); 3 no answer
(connection refused or reset, timeout); 130 interrupted. Errors are one line on stderr.
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import sys
from typing import Any, Callable, List, Optional, Sequence

from . import __version__
from ._cli_tour import describe as _describe
from ._cli_tour import run_tour
from ._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APIStreamError,
    OpenAIError,
)
from ._session import DEFAULT_TIMEOUT, OpenAISession

__all__ = ["main", "EXIT_OK", "EXIT_API_ERROR", "EXIT_USAGE", "EXIT_CONNECTION", "EXIT_INTERRUPTED"]

EXIT_OK = 0
EXIT_API_ERROR = 1
EXIT_USAGE = 2
EXIT_CONNECTION = 3
EXIT_INTERRUPTED = 130

PROG = "openai-lite"


class UsageError(Exception):
    """A command-line mistake found after parsing (exit code 2)."""


# ---------------------------------------------------------------------------
# Helpers


def _out(*lines: Any) -> None:
    for line in lines:
        sys.stdout.write(f"{line}\n")


def _print_json(data: Any) -> None:
    if hasattr(data, "to_dict"):
        data = data.to_dict()
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def _show(args: argparse.Namespace, data: Any, *lines: str) -> int:
    """Print *data* as JSON with ``--json``, else the text *lines*."""
    if getattr(args, "json", False):
        _print_json(data)
    else:
        _out(*lines)
    return EXIT_OK


def _session(args: argparse.Namespace) -> OpenAISession:
    timeout = DEFAULT_TIMEOUT if args.timeout is None else args.timeout
    return OpenAISession(base_url=args.base_url, timeout=timeout, max_retries=args.max_retries)


def _text_or_stdin(values: Optional[Sequence[str]], what: str) -> str:
    """Join the words given, or read stdin when there are none (or just ``-``)."""
    if values and list(values) != ["-"]:
        return " ".join(values)
    if sys.stdin is None or sys.stdin.isatty():
        raise UsageError(f"give the {what} as an argument, or pipe it on stdin")
    text = sys.stdin.read().strip()
    if not text:
        raise UsageError(f"the {what} on stdin is empty")
    return text


def _existing_file(path: str) -> str:
    if not os.path.isfile(path):
        raise UsageError(f"no such file: {path}")
    return path


# ---------------------------------------------------------------------------
# Subcommands: one small function each, taking the parsed arguments


def cmd_chat(args: argparse.Namespace) -> int:
    from . import chat

    messages: List[Any] = []
    if args.system:
        messages.append({"role": "system", "content": args.system})
    messages.append({"role": "user", "content": _text_or_stdin(args.prompt, "prompt")})
    session = _session(args)
    if args.stream:
        return _chat_stream(session, args, messages)
    data = chat.create(
        session,
        model=args.model,
        messages=messages,
        temperature=args.temperature,
        max_completion_tokens=args.max_tokens,
    ).data
    if args.json:
        _print_json(data)
    elif not data.choices:
        return _fail("the response has no choices", EXIT_API_ERROR)
    else:
        _out(data.choices[0].message.content or "")
    return EXIT_OK


def _chat_stream(session: OpenAISession, args: argparse.Namespace, messages: List[Any]) -> int:
    from . import chat

    with chat.stream(
        session,
        model=args.model,
        messages=messages,
        temperature=args.temperature,
        max_completion_tokens=args.max_tokens,
    ) as chunks:
        for chunk in chunks:
            for choice in chunk.choices:
                if choice.index == 0 and choice.delta.content:
                    sys.stdout.write(choice.delta.content)
                    sys.stdout.flush()
    sys.stdout.write("\n")
    return EXIT_OK


def cmd_embed(args: argparse.Namespace) -> int:
    from . import embeddings

    inputs = args.text if args.text and args.text != ["-"] else [_text_or_stdin(None, "text")]
    data = embeddings.create(_session(args), input=inputs, model=args.model, dimensions=args.dimensions).data
    if args.json:
        _print_json(data)
        return EXIT_OK
    for item in data.data:
        head = ", ".join(f"{x:.4f}" for x in item.embedding[:4])
        _out(f"{item.index}: {len(item.embedding)} dimensions [{head}, ...]")
    return EXIT_OK


def cmd_models_list(args: argparse.Namespace) -> int:
    from . import models

    data = models.list(_session(args)).data
    return _show(args, data, *(f"{m.id}\t{m.owned_by or ''}" for m in sorted(data.data, key=lambda m: m.id)))


def cmd_models_get(args: argparse.Namespace) -> int:
    from . import models

    data = models.retrieve(_session(args), args.model).data
    return _show(args, data, f"{data.id}\towned by {data.owned_by}\tcreated {data.created}")


def cmd_models_delete(args: argparse.Namespace) -> int:
    from . import models

    data = models.delete(_session(args), args.model).data
    return _show(args, data, f"deleted {data.id}")


def _file_line(f: Any) -> str:
    return f"{f.id}\t{f.bytes}\t{f.purpose}\t{f.filename}"


def cmd_files_list(args: argparse.Namespace) -> int:
    from . import files

    data = files.list(_session(args), purpose=args.purpose).data
    return _show(args, data, *(_file_line(f) for f in data.data))


def cmd_files_upload(args: argparse.Namespace) -> int:
    from . import files

    path = _existing_file(args.path)
    with _progress_bar("upload", args.no_progress) as progress:
        data = files.create(_session(args), file=path, purpose=args.purpose, progress=progress).data
    return _show(args, data, _file_line(data))


def cmd_files_download(args: argparse.Namespace) -> int:
    from . import files

    out = args.output or args.file_id
    with _progress_bar("download", args.no_progress) as progress:
        size = files.download(_session(args), args.file_id, out, progress=progress).data
    _out(f"{out}\t{size} bytes")
    return EXIT_OK


def cmd_files_delete(args: argparse.Namespace) -> int:
    from . import files

    data = files.delete(_session(args), args.file_id).data
    return _show(args, data, f"deleted {data.id}")


def _audio(args: argparse.Namespace, task: str) -> int:
    from . import audio

    call: Callable[..., Any] = audio.transcribe if task == "transcribe" else audio.translate
    options = {"language": args.language} if task == "transcribe" and args.language else {}
    data = call(
        _session(args),
        file=_existing_file(args.file),
        model=args.model,
        prompt=args.prompt,
        response_format=args.response_format,
        **options,
    ).data
    if isinstance(data, str):
        sys.stdout.write(data if data.endswith("\n") else data + "\n")
    elif args.json or args.response_format == "verbose_json":
        _print_json(data)
    else:
        _out(data.text)
    return EXIT_OK


def cmd_transcribe(args: argparse.Namespace) -> int:
    return _audio(args, "transcribe")


def cmd_translate(args: argparse.Namespace) -> int:
    return _audio(args, "translate")


_AUDIO_FORMATS = ("mp3", "opus", "aac", "flac", "wav", "pcm")


def cmd_speak(args: argparse.Namespace) -> int:
    from . import audio

    text = _text_or_stdin(args.text, "text")
    extension = os.path.splitext(args.output)[1].lstrip(".").lower()
    fmt = args.format or (extension if extension in _AUDIO_FORMATS else None)
    with _progress_bar("speech", args.no_progress) as progress:
        size = audio.speech_to_file(
            _session(args),
            args.output,
            input=text,
            model=args.model,
            voice=args.voice,
            response_format=fmt,
            progress=progress,
        ).data
    _out(f"{args.output}\t{size} bytes")
    return EXIT_OK


def cmd_images_generate(args: argparse.Namespace) -> int:
    from . import images

    data = images.generate(
        _session(args),
        prompt=_text_or_stdin(args.prompt, "prompt"),
        model=args.model,
        n=args.n,
        size=args.size,
        quality=args.quality,
        response_format=args.response_format,
    ).data
    if args.json:
        _print_json(data)
        return EXIT_OK
    for i, image in enumerate(data.data, 1):
        if image.url:
            _out(image.url)
        elif image.b64_json:
            path = os.path.join(args.output_dir, f"image-{i}.png")
            with open(path, "wb") as out:
                out.write(base64.b64decode(image.b64_json))
            _out(path)
    return EXIT_OK


def _job_line(job: Any) -> str:
    return f"{job.id}\t{job.status}\t{job.model}\t{job.fine_tuned_model or '-'}"


def cmd_fine_tuning_list(args: argparse.Namespace) -> int:
    from . import fine_tuning

    data = fine_tuning.list_jobs(_session(args), limit=args.limit).data
    return _show(args, data, *(_job_line(j) for j in data.data))


def cmd_fine_tuning_create(args: argparse.Namespace) -> int:
    from . import fine_tuning

    data = fine_tuning.create_job(
        _session(args),
        model=args.model,
        training_file=args.training_file,
        validation_file=args.validation_file,
        suffix=args.suffix,
    ).data
    return _show(args, data, _job_line(data))


def cmd_fine_tuning_get(args: argparse.Namespace) -> int:
    from . import fine_tuning

    data = fine_tuning.retrieve_job(_session(args), args.job_id).data
    return _show(args, data, _job_line(data))


def cmd_fine_tuning_cancel(args: argparse.Namespace) -> int:
    from . import fine_tuning

    data = fine_tuning.cancel_job(_session(args), args.job_id).data
    return _show(args, data, _job_line(data))


def cmd_demo(args: argparse.Namespace) -> int:
    if args.live:
        if not os.environ.get("OPENAI_API_KEY"):
            raise UsageError("demo --live needs OPENAI_API_KEY")
        return run_tour(_session(args), live=True)
    from .testing import FakeOpenAI

    with FakeOpenAI() as fake:
        how = "no --live given" if os.environ.get("OPENAI_API_KEY") else "no OPENAI_API_KEY"
        _out(f"({how}: running against the bundled FakeOpenAI at {fake.url})")
        session = OpenAISession(api_key=fake.api_key, base_url=fake.url, max_retries=0)
        with session:
            return run_tour(session, live=False)


# ---------------------------------------------------------------------------
# Progress bars (tqdm, when installed, driven by the library's progress callbacks)


Progress = Callable[[int, Optional[int]], None]


class _NoBar:
    def __enter__(self) -> Optional[Progress]:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


class _TqdmBar:
    """A tqdm bar on stderr, drawn from the first progress report on (none for a failed download)."""

    def __init__(self, what: str) -> None:
        import importlib

        self._tqdm = importlib.import_module("tqdm").tqdm  # optional: pip install openai-lite[progress]
        self._what = what
        self._bar: Any = None

    def __enter__(self) -> Optional[Progress]:
        return self._update

    def _update(self, done: int, total: Optional[int]) -> None:
        if self._bar is None:
            self._bar = self._tqdm(
                total=total, desc=self._what, unit="B", unit_scale=True, unit_divisor=1024, file=sys.stderr
            )
        elif total != self._bar.total:
            self._bar.total = total
        self._bar.update(done - self._bar.n)  # back to 0 when a retry sends the file again

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.close()


def _stderr_is_tty() -> bool:
    return sys.stderr is not None and sys.stderr.isatty()


def _progress_bar(what: str, disabled: bool) -> Any:
    """A context giving a ``progress(done, total)`` callback that drives a tqdm bar, or None.

    There is a bar when stderr is a terminal and tqdm is installed.
    """
    if disabled or not _stderr_is_tty():
        return _NoBar()
    try:
        return _TqdmBar(what)
    except ImportError:
        return _NoBar()


# ---------------------------------------------------------------------------
# The parser


def _seconds(text: str) -> float:
    """An argparse type: a finite number of seconds above 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value < math.inf:
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds, not {text!r}")
    return value


def _retries(text: str) -> int:
    """An argparse type: a whole number of retries, 0 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {text!r}")
    return value


def _json_flag(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--json", action="store_true", help="print the parsed response as JSON")
    return parser


def build_parser() -> argparse.ArgumentParser:
    """Build the ``openai-lite`` argument parser."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Call the OpenAI API from a shell. The key comes from OPENAI_API_KEY.",
        epilog="Exit codes: 0 ok, 1 API error, 2 usage error, 3 no connection, 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--base-url", help="the API's root URL (default: OPENAI_BASE_URL or OpenAI's)")
    parser.add_argument("--timeout", type=_seconds, help="seconds to wait for an answer (default 600)")
    parser.add_argument("--max-retries", type=_retries, default=2, help="retries of a failed call")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each request to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = _json_flag(sub.add_parser("chat", help="ask a chat model (the prompt, or stdin)"))
    p.add_argument("prompt", nargs="*", help="the prompt; stdin when left out")
    p.add_argument("-m", "--model", default="gpt-4o-mini")
    p.add_argument("-s", "--system", help="a system message")
    p.add_argument("-t", "--temperature", type=float)
    p.add_argument("--max-tokens", type=int, help="the most tokens to generate")
    p.add_argument("--stream", action="store_true", help="print tokens as they come")
    p.set_defaults(func=cmd_chat)

    p = _json_flag(sub.add_parser("embed", help="embed texts (arguments, or stdin)"))
    p.add_argument("text", nargs="*", help="one input per argument; stdin when left out")
    p.add_argument("-m", "--model", default="text-embedding-3-small")
    p.add_argument("--dimensions", type=int)
    p.set_defaults(func=cmd_embed)

    # "models" and "files" alone list, as "git remote" does.
    models_cmd = _json_flag(sub.add_parser("models", help="list (the default), get or delete models"))
    models_cmd.set_defaults(func=cmd_models_list)
    models_p = models_cmd.add_subparsers(metavar="ACTION")
    _json_flag(models_p.add_parser("list", help="list the models")).set_defaults(func=cmd_models_list)
    for name, func, what in (("get", cmd_models_get, "show"), ("delete", cmd_models_delete, "delete")):
        p = _json_flag(models_p.add_parser(name, help=f"{what} a model"))
        p.add_argument("model")
        p.set_defaults(func=func)

    files_help = "list (the default), upload, download or delete files"
    files_cmd = _json_flag(sub.add_parser("files", help=files_help))
    files_cmd.set_defaults(func=cmd_files_list, purpose=None)
    files_p = files_cmd.add_subparsers(metavar="ACTION")
    p = _json_flag(files_p.add_parser("list", help="list the files"))
    p.add_argument("--purpose")
    p.set_defaults(func=cmd_files_list)
    p = _json_flag(files_p.add_parser("upload", help="upload a file"))
    p.add_argument("path")
    p.add_argument("-p", "--purpose", required=True, help="fine-tune, batch, user_data, vision, ...")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_files_upload)
    p = files_p.add_parser("download", help="download a file's content")
    p.add_argument("file_id")
    p.add_argument("-o", "--output", help="where to write it (default: the file id)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_files_download)
    p = _json_flag(files_p.add_parser("delete", help="delete a file"))
    p.add_argument("file_id")
    p.set_defaults(func=cmd_files_delete)

    audio_commands = (
        ("transcribe", cmd_transcribe, "transcribe"),
        ("translate", cmd_translate, "translate into English"),
    )
    for name, func, what in audio_commands:
        p = _json_flag(sub.add_parser(name, help=f"{what} an audio file"))
        p.add_argument("file")
        p.add_argument("-m", "--model", default="whisper-1")
        p.add_argument("--prompt", help="text to guide the style or spelling")
        p.add_argument("-f", "--response-format", choices=["json", "text", "srt", "vtt", "verbose_json"])
        if name == "transcribe":
            p.add_argument("-l", "--language", help="the ISO-639-1 language of the audio")
        p.set_defaults(func=func)

    p = sub.add_parser("speak", help="turn text into speech, written to a file")
    p.add_argument("text", nargs="*", help="the text; stdin when left out")
    p.add_argument("-o", "--output", required=True, help="the audio file to write")
    p.add_argument("-m", "--model", default="gpt-4o-mini-tts")
    p.add_argument("--voice", default="alloy")
    p.add_argument("-f", "--format", choices=_AUDIO_FORMATS, help="default: the output's extension, else mp3")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_speak)

    images_p = sub.add_parser("images", help="generate images").add_subparsers(metavar="ACTION")
    images_p.required = True
    p = _json_flag(images_p.add_parser("generate", help="generate images from a prompt"))
    p.add_argument("prompt", nargs="*", help="the prompt; stdin when left out")
    p.add_argument("-m", "--model")
    p.add_argument("-n", type=int, help="how many images")
    p.add_argument("--size", help="e.g. 1024x1024")
    p.add_argument("--quality")
    p.add_argument("--response-format", choices=["url", "b64_json"])
    p.add_argument("--output-dir", default=".", help="where base64 images are saved (default: .)")
    p.set_defaults(func=cmd_images_generate)

    ft = sub.add_parser("fine-tuning", help="list, create, get or cancel fine-tuning jobs").add_subparsers(
        metavar="ACTION"
    )
    ft.required = True
    p = _json_flag(ft.add_parser("list", help="list the jobs"))
    p.add_argument("--limit", type=int)
    p.set_defaults(func=cmd_fine_tuning_list)
    p = _json_flag(ft.add_parser("create", help="start a job"))
    p.add_argument("--training-file", required=True, help="the id of an uploaded fine-tune file")
    p.add_argument("-m", "--model", required=True)
    p.add_argument("--validation-file")
    p.add_argument("--suffix")
    p.set_defaults(func=cmd_fine_tuning_create)
    for name, func in (("get", cmd_fine_tuning_get), ("cancel", cmd_fine_tuning_cancel)):
        p = _json_flag(ft.add_parser(name, help=f"{'show' if name == 'get' else name} a job"))
        p.add_argument("job_id")
        p.set_defaults(func=func)

    from ._cli_bulk import add_bulk_parser

    add_bulk_parser(sub)

    p = sub.add_parser("demo", help="run the library's tour (offline, on a fake server, without a key)")
    p.add_argument("--live", action="store_true", help="run the read-only, cheap steps on the real API")
    p.set_defaults(func=cmd_demo)
    return parser


# ---------------------------------------------------------------------------
# Entry point


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"{PROG}: error: {message}\n")
    return code


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line with *argv* (default: ``sys.argv[1:]``); return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error already printed
        return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_USAGE
    if args.verbose:
        from ._logging import configure_from_env

        configure_from_env("debug")
    try:
        return int(args.func(args))
    except UsageError as exc:
        return _fail(str(exc), EXIT_USAGE)
    except (APIStatusError, APIResponseValidationError, APIStreamError) as exc:
        return _fail(_describe(exc), EXIT_API_ERROR)
    except APIConnectionError as exc:
        return _fail(str(exc), EXIT_CONNECTION)
    except OpenAIError as exc:  # no key, or another configuration error
        return _fail(str(exc), EXIT_USAGE)
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        return _fail(str(exc), EXIT_USAGE)
    except KeyboardInterrupt:
        return _fail("interrupted", EXIT_INTERRUPTED)
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
