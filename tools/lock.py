"""Regenerate the lock files the image installs from, in step with pyproject.toml.

    make lock              # keep the current pins; add, drop or move only what pyproject.toml changed
    make lock UPGRADE=1    # the newest versions inside pyproject.toml's ranges

- requirements.lock: [project.dependencies] and everything they need, each pinned (==) with the
  sha256 of every file PyPI has for that version;
- requirements-build.lock: [build-system].requires (setuptools, wheel), the same way: the image
  builds the project's wheel with them, without build isolation, so nothing unpinned is fetched.

uv resolves for CPython 3.11 (the image's Python) on Linux x86_64, then again for Linux aarch64
(k3s often runs on ARM); the two must give the same pins or this stops, saying which differ. Each
file records a fingerprint of the pyproject.toml lists it was made from; tests/test_lockfile.py
fails, offline, when pyproject.toml has changed since (run `make lock` then).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
RUNTIME_LOCK = ROOT / "requirements.lock"
BUILD_LOCK = ROOT / "requirements-build.lock"

PYTHON_VERSION = "3.11"
PLATFORMS = ("x86_64-manylinux_2_28", "aarch64-manylinux_2_28")
FINGERPRINT_LINE = "# pyproject-sha256: "
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def runtime_requirements(pyproject: dict) -> list[str]:
    return list(pyproject["project"]["dependencies"])


def build_requirements(pyproject: dict) -> list[str]:
    return list(pyproject["build-system"]["requires"])


def fingerprint(requirements: list[str]) -> str:
    """What a lock was made from: the requirement strings (spaces dropped, order ignored) and the
    target Python. Any added, removed or re-ranged requirement changes it."""
    normal = sorted("".join(req.split()) for req in requirements)
    blob = json.dumps({"python": PYTHON_VERSION, "requirements": normal}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def recorded_fingerprint(lock_text: str) -> str | None:
    for line in lock_text.splitlines():
        if line.startswith(FINGERPRINT_LINE):
            return line[len(FINGERPRINT_LINE):].strip()
    return None


def pins(lock_text: str) -> dict[str, str]:
    """{normalized name: version} of every `name==version` line."""
    found = {}
    for line in lock_text.splitlines():
        match = _PIN.match(line)
        if match:
            found[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[2]
    return found


def load_pyproject() -> dict:
    with PYPROJECT.open("rb") as fh:
        return tomllib.load(fh)


def _uv() -> list[str]:
    try:
        import uv  # noqa: F401  (the PyPI package: `python -m uv` runs its binary)
    except ImportError:
        found = shutil.which("uv")
        if not found:
            sys.exit("tools/lock.py needs uv: `make lock` installs the pinned version into .venv")
        return [found]
    return [sys.executable, "-m", "uv"]


def _compile(uv: list[str], source: Path, out: Path, platform: str, *, upgrade: bool, annotate: bool) -> None:
    cmd = [*uv, "pip", "compile", str(source), "--output-file", str(out), "--generate-hashes",
           "--python-version", PYTHON_VERSION, "--python-platform", platform, "--no-header", "--quiet"]
    if not annotate:
        cmd.append("--no-annotate")
    if upgrade:
        cmd.append("--upgrade")
    subprocess.run(cmd, check=True, cwd=ROOT)


def make_lock(uv: list[str], requirements: list[str], lock: Path, what: str, *,
              source: Path | None, upgrade: bool) -> None:
    version = subprocess.run([*uv, "--version"], check=True, capture_output=True, text=True).stdout.split()[1]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if source is None:
            source = work / "requirements.in"
            source.write_text("".join(f"{req}\n" for req in requirements))
        results = {}
        for platform in PLATFORMS:
            out = work / f"{platform}.txt"
            if lock.exists():  # uv keeps the pins already in its output file
                shutil.copy(lock, out)
            _compile(uv, source, out, platform, upgrade=upgrade, annotate=source.name == "pyproject.toml")
            results[platform] = out.read_text()
        first, *others = PLATFORMS
        for other in others:
            a, b = pins(results[first]), pins(results[other])
            if a != b:
                differ = sorted(name for name in a.keys() | b.keys() if a.get(name) != b.get(name))
                sys.exit(f"{lock.name}: {first} and {other} resolve differently ({', '.join(differ)}): "
                         "one lock cannot serve both; see tools/lock.py")
    header = [
        f"# {lock.name}: {what},",
        "# and all they need, pinned with hashes.",
        f"# Never edit by hand: `make lock` (tools/lock.py, uv {version}) remakes it from pyproject.toml.",
        f"# Target: CPython {PYTHON_VERSION} on Linux x86_64 and aarch64 (resolved for both, same pins;",
        "# the hashes cover every file PyPI has for each pinned version).",
        f"{FINGERPRINT_LINE}{fingerprint(requirements)}",
        "",
    ]
    lock.write_text("\n".join(header) + results[first])
    print(f"{lock.relative_to(ROOT)}: {len(pins(results[first]))} pins")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upgrade", action="store_true", help="newest versions inside pyproject's ranges")
    args = parser.parse_args(argv)
    pyproject = load_pyproject()
    uv = _uv()
    make_lock(uv, runtime_requirements(pyproject), RUNTIME_LOCK,
              "the runtime dependencies, pyproject.toml [project.dependencies]",
              source=PYPROJECT, upgrade=args.upgrade)
    make_lock(uv, build_requirements(pyproject), BUILD_LOCK,
              "what builds the wheel, pyproject.toml [build-system].requires",
              source=None, upgrade=args.upgrade)
    return 0


if __name__ == "__main__":
    sys.exit(main())
