"""Build the sdist and the wheel, check them, and smoke-test the wheel in a fresh venv.

Run by ``tox -e packaging`` as ``python tests/packaging_smoke.py WORKDIR``. The wheel is
built from the sdist (``python -m build`` does that), so a file missing from the sdist
fails the build. The smoke test runs ``openai-lite demo`` offline, with no key in the
environment, from outside the source tree.
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import tarfile
import zipfile
from typing import Dict, Optional

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: Lines the offline demo must print.
EXPECTED = ("The capital of France is Paris.", "Number of new items created 2", "Vector length 1536")


def run(*cmd: str, cwd: Optional[str] = None, env: Optional[Dict[str, str]] = None) -> str:
    print("$", " ".join(cmd), flush=True)
    done = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True, cwd=cwd, env=env)
    print(done.stdout, end="", flush=True)
    return done.stdout


def check_contents(dist: str) -> None:
    (wheel,) = glob.glob(os.path.join(dist, "*.whl"))
    (sdist,) = glob.glob(os.path.join(dist, "*.tar.gz"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (
        "openai_lite/py.typed",
        "openai_lite/cli.py",
        "openai_lite/testing/_server.py",
        "openai_lite/testing/_spec.json",
        "openai_lite/testing/_spec.LICENSE",
    ):
        assert name in names, f"{name} is not in the wheel"
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt")))
    assert b"openai-lite = openai_lite.cli:main" in entry_points, "no openai-lite console script"
    members = {m.split("/", 1)[-1] for m in tarfile.open(sdist).getnames()}
    for name in (
        "LICENSE",
        "README.rst",
        "openai_lite/py.typed",
        "openai_lite/testing/_spec.json",
        "openai_lite/testing/_spec.LICENSE",
        "tests/conftest.py",
    ):
        assert name in members, f"{name} is not in the sdist"


def main(workdir: str) -> None:
    dist = os.path.join(workdir, "dist")
    run(sys.executable, "-m", "build", "--outdir", dist, ROOT)
    run(sys.executable, "-m", "twine", "check", "--strict", *glob.glob(os.path.join(dist, "*")))
    check_contents(dist)
    venv = os.path.join(workdir, "smoke")
    run(sys.executable, "-m", "venv", "--clear", venv)
    bindir = os.path.join(venv, "Scripts" if os.name == "nt" else "bin")
    python = os.path.join(bindir, "python")
    run(python, "-m", "pip", "install", "--quiet", *glob.glob(os.path.join(dist, "*.whl")))
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    run(python, "-c", "import openai_lite, openai_lite.testing, openai_lite.cli", cwd=workdir, env=env)
    out = run(os.path.join(bindir, "openai-lite"), "demo", cwd=workdir, env=env)
    out += run(python, "-m", "openai_lite", "models", "--help", cwd=workdir, env=env)
    missing = [line for line in EXPECTED if line not in out]
    assert not missing, f"the demo did not print {missing}"
    print("packaging smoke test passed")


if __name__ == "__main__":
    main(os.path.abspath(sys.argv[1]))
