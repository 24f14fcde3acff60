"""requirements.lock and requirements-build.lock, kept in step with pyproject.toml (offline, fast).

* Each lock records a fingerprint of the pyproject.toml list it was made from; adding, dropping or
  re-ranging a dependency without `make lock` fails here, naming the command.
* Every runtime requirement (extras included: psycopg[binary] needs psycopg-binary) is pinned at a
  version inside its range; every line is an exact pin with sha256 hashes, nothing else (no index,
  no URL, no editable), no package twice.
* The runtime lock carries no test tool, so neither does the image.
* What this venv can tell about the lock's completeness: a locked package installed here at the
  locked version needs nothing the lock lacks.
* Opt-in (DELIVERYBOT_TEST_LOCK_INSTALL=1; needs PyPI or pip's cache, about 45 s): a fresh venv
  installs from the locks alone, as the Dockerfile does, and `deliverybot plan check` works in it.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tools.lock import (
    BUILD_LOCK,
    PYTHON_VERSION,
    RUNTIME_LOCK,
    build_requirements,
    fingerprint,
    pins,
    recorded_fingerprint,
    runtime_requirements,
)

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
LOCKS = {RUNTIME_LOCK: runtime_requirements(PYPROJECT), BUILD_LOCK: build_requirements(PYPROJECT)}
TARGETS = [
    {"python_version": PYTHON_VERSION, "python_full_version": f"{PYTHON_VERSION}.0", "sys_platform": "linux",
     "platform_system": "Linux", "platform_machine": machine, "os_name": "posix",
     "implementation_name": "cpython", "platform_python_implementation": "CPython", "extra": ""}
    for machine in ("x86_64", "aarch64")
]
_PIN_LINE = re.compile(r"^[a-z0-9][a-z0-9._-]*==[0-9][^\s;\\]*( ; .+)? \\$")
_HASH_LINE = re.compile(r"^    --hash=sha256:[0-9a-f]{64}( \\)?$")


def _text(lock: Path) -> str:
    assert lock.is_file(), f"{lock.name} is missing: run `make lock`"
    return lock.read_text()


@pytest.mark.parametrize("lock", LOCKS, ids=lambda p: p.name)
def test_the_lock_was_made_from_pyproject_as_it_is(lock):
    recorded = recorded_fingerprint(_text(lock))
    assert recorded, f"{lock.name} records no pyproject fingerprint: it was not made by `make lock`"
    assert recorded == fingerprint(LOCKS[lock]), (
        f"pyproject.toml's dependencies changed since {lock.name} was made: run `make lock` and commit it")


def test_the_fingerprint_sees_a_new_dependency_and_a_new_range_not_the_layout():
    deps = runtime_requirements(PYPROJECT)
    assert fingerprint([*deps, "rich>=13,<14"]) != fingerprint(deps)
    assert fingerprint(deps[1:]) != fingerprint(deps)
    moved = [re.sub(r"<(\d+)", lambda m: f"<{int(m[1]) + 1}", deps[0]), *deps[1:]]
    assert fingerprint(moved) != fingerprint(deps)
    assert fingerprint([f"  {d.replace('>=', ' >= ')} " for d in reversed(deps)]) == fingerprint(deps)


@pytest.mark.parametrize("lock", LOCKS, ids=lambda p: p.name)
def test_every_requirement_is_pinned_inside_its_range(lock):
    pinned = pins(_text(lock))
    for line in LOCKS[lock]:
        req = Requirement(line)
        if req.marker and not any(req.marker.evaluate(env) for env in TARGETS):
            continue
        name = canonicalize_name(req.name)
        assert name in pinned, f"{req.name} is in pyproject.toml but not in {lock.name}: run `make lock`"
        assert req.specifier.contains(Version(pinned[name]), prereleases=True), (
            f"{lock.name} pins {name}=={pinned[name]}, outside pyproject's {req.specifier}: run `make lock`")


def test_extras_bring_their_packages():
    pinned = pins(_text(RUNTIME_LOCK))
    for line in runtime_requirements(PYPROJECT):
        req = Requirement(line)
        for extra in req.extras:
            try:
                needs = importlib.metadata.requires(req.name) or []
            except importlib.metadata.PackageNotFoundError:
                pytest.skip(f"{req.name} is not installed here: its extras cannot be read")
            for need in map(Requirement, needs):
                env = {**TARGETS[0], "extra": extra}
                if need.marker and need.marker.evaluate(env) and not need.marker.evaluate(TARGETS[0]):
                    assert canonicalize_name(need.name) in pinned, (
                        f"{req.name}[{extra}] needs {need.name}, which {RUNTIME_LOCK.name} lacks")


@pytest.mark.parametrize("lock", LOCKS, ids=lambda p: p.name)
def test_every_line_is_an_exact_pin_with_hashes(lock):
    seen: set[str] = set()
    current, hashes = None, 0
    for number, line in enumerate(_text(lock).splitlines(), 1):
        where = f"{lock.name}:{number}"
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if _HASH_LINE.match(line):
            assert current, f"{where}: a hash with no pin"
            hashes += 1
            continue
        assert _PIN_LINE.match(line), f"{where}: not `name==version \\` followed by hashes: {line!r}"
        if current:
            assert hashes, f"{lock.name}: {current} has no --hash"
        current, hashes = line.split("==")[0], 0
        assert current not in seen, f"{where}: {current} pinned twice"
        seen.add(current)
    assert current and hashes, f"{lock.name}: the last pin has no --hash"
    assert seen == set(pins(_text(lock)))


def test_the_runtime_lock_carries_no_test_tool():
    runtime = {canonicalize_name(Requirement(r).name) for r in runtime_requirements(PYPROJECT)}
    tools = {canonicalize_name(Requirement(r).name) for r in PYPROJECT["project"]["optional-dependencies"]["test"]}
    pinned = set(pins(_text(RUNTIME_LOCK)))
    carried = (tools - runtime) & pinned
    assert not carried, f"the image would carry test tools: {sorted(carried)}"
    assert not {"pytest", "ruff", "mypy", "hypothesis", "uv", "pip-tools"} & pinned


def test_what_this_venv_knows_of_the_locked_packages_needs_nothing_unlocked():
    pinned = pins(_text(RUNTIME_LOCK))
    checked = 0
    for name, version in pinned.items():
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        if dist.version != version:
            continue
        checked += 1
        for need in map(Requirement, dist.requires or []):
            if need.marker and not any(need.marker.evaluate(env) for env in TARGETS):
                continue
            assert canonicalize_name(need.name) in pinned, (
                f"{name}=={version} needs {need.name}, which {RUNTIME_LOCK.name} lacks: run `make lock`")
    if not checked:
        pytest.skip("no locked package is installed here at its locked version")


def test_the_markers_used_above_read_a_linux_target():
    assert Marker("sys_platform == 'win32'").evaluate(TARGETS[0]) is False
    assert Marker("platform_machine == 'aarch64'").evaluate(TARGETS[1]) is True


@pytest.mark.skipif(not os.environ.get("DELIVERYBOT_TEST_LOCK_INSTALL"),
                    reason="installs the locks into a fresh venv (PyPI or pip's cache, ~45 s): "
                           "set DELIVERYBOT_TEST_LOCK_INSTALL=1")
def test_a_fresh_venv_installs_from_the_locks_alone(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "--quiet"]

    def run(*args: str) -> None:
        subprocess.run([*pip, *args], check=True, cwd=REPO, timeout=600)

    run("install", "--require-hashes", "--no-deps", "-r", str(RUNTIME_LOCK))
    run("install", "--require-hashes", "--no-deps", "-r", str(BUILD_LOCK))
    run("install", "--no-deps", "--no-build-isolation", str(REPO))
    run("check")
    done = subprocess.run([str(venv / "bin" / "deliverybot"), "plan", "check", str(REPO / "plans" / "k3s-mono-pgsql.md")],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "stories" in done.stdout
    for tool in ("pytest", "ruff", "mypy", "hypothesis"):
        probe = subprocess.run([str(venv / "bin" / "python"), "-c", f"import {tool}"], capture_output=True)
        assert probe.returncode != 0, f"{tool} is installed by the lock"
