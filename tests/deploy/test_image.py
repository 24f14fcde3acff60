"""The Dockerfile and .dockerignore, read as Docker reads them (no engine runs here, so nothing is built).

* The image runs `deliverybot run` (exec form, so SIGTERM reaches the bot) as a numeric non-root user.
* Its HEALTHCHECK is exec form and needs no curl: the Python one-liner is run here against a local
  server, passing on a 200 from /healthz and failing on a 503 or on nothing listening.
* Every package comes from a lock file, hash-checked and without dependency resolution, the
  project's own wheel built without fetching build tools, and `pip check` proves the lock complete.
* No test tool is installed or copied in; the build context is an allow-list that keeps out the
  tests, .git, .venv, .env and the local SQLite database, and lets in everything the Dockerfile copies.
* PORT, EXPOSE and the manifests' PORT agree; DATABASE_URL points into the /data volume; the
  bundled plan is where DELIVERYBOT_DEFAULT_PLAN says; Python is the lock's 3.11.
"""

from __future__ import annotations

import http.server
import re
import subprocess
import sys
import threading
import tomllib
from pathlib import PurePosixPath

import pytest

from tests.deploy.support import KUSTOMIZE, REPO, Stage
from tools.lock import PYTHON_VERSION

LOCKS = {"requirements.lock", "requirements-build.lock"}


def final(dockerfile: list[Stage]) -> Stage:
    return dockerfile[-1]


def run_segments(stage: Stage) -> list[str]:
    return [part.strip() for ins in stage.all("RUN") for part in re.split(r"&&|\|\||;", ins.args)]


def copy_sources(stage: Stage) -> list[tuple[list[str], str]]:
    """(sources, destination) of each COPY from the build context (not --from another stage)."""
    found = []
    for ins in stage.all("COPY") + stage.all("ADD"):
        words = ins.args.split()
        if any(w.startswith("--from") for w in words):
            continue
        words = [w for w in words if not w.startswith("--")]
        found.append((words[:-1], words[-1]))
    return found


def test_the_image_runs_the_bot_as_a_numeric_non_root_user(dockerfile):
    stage = final(dockerfile)
    user = stage.last("USER")
    assert user is not None, "the image runs as root"
    uid, _, gid = user.args.partition(":")
    assert uid.isdigit() and int(uid) > 0, f"USER {user.args}: Kubernetes' runAsNonRoot needs a numeric uid"
    assert gid.isdigit() and int(gid) > 0, f"USER {user.args}: name the group by number too"
    last_run = max(i for i, ins in enumerate(stage.instructions) if ins.keyword == "RUN")
    assert stage.instructions.index(user) > last_run
    cmd = stage.last("CMD")
    assert cmd is not None and cmd.exec_form() == ["deliverybot", "run"], "exec form: SIGTERM reaches the bot"
    assert stage.last("ENTRYPOINT") is None


def _healthcheck(dockerfile: list[Stage]) -> list[str]:
    check = final(dockerfile).last("HEALTHCHECK")
    assert check is not None, "no HEALTHCHECK"
    argv = check.exec_form()
    assert argv, f"HEALTHCHECK must be exec form (CMD [...]), is: {check.args}"
    assert argv[0] == "python" and argv[1] == "-c", "the slim image has no curl or wget: Python asks"
    return argv


class _Health(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.send_response(self.status if self.path == "/healthz" else 404)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def _run_check(argv: list[str], port: int) -> int:
    env = {"PORT": str(port), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, *argv[1:]], env=env, capture_output=True, timeout=20).returncode


@pytest.mark.parametrize("status, healthy", [(200, True), (503, False)])
def test_the_healthcheck_asks_healthz_on_port(dockerfile, status, healthy):
    argv = _healthcheck(dockerfile)
    handler = type("Handler", (_Health,), {"status": status})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert (_run_check(argv, server.server_address[1]) == 0) is healthy
    finally:
        server.shutdown()
        server.server_close()


def test_the_healthcheck_fails_when_nothing_listens(dockerfile):
    argv = _healthcheck(dockerfile)
    server = http.server.HTTPServer(("127.0.0.1", 0), _Health)
    port = server.server_address[1]
    server.server_close()
    assert _run_check(argv, port) != 0


def test_every_package_is_installed_from_a_lock_with_hashes(dockerfile):
    installs = [seg for stage in dockerfile for seg in run_segments(stage) if re.search(r"\bpip (install|wheel)\b", seg)]
    assert installs
    locks_used = set()
    for seg in installs:
        words = seg.split()
        assert "--no-deps" in words, f"{seg}: resolves dependencies instead of taking the lock's"
        assert "-e" not in words and "[test]" not in seg, seg
        if " wheel " in f" {seg} ":
            assert "--no-build-isolation" in words, f"{seg}: build isolation fetches unpinned setuptools"
        elif "-r" in words:
            assert "--require-hashes" in words, f"{seg}: not hash-checked"
            locks_used.add(PurePosixPath(words[words.index("-r") + 1]).name)
        else:
            targets = [w for w in words[words.index("install") + 1:] if not w.startswith("-")]
            assert targets and all(t.startswith("/wheels/") and t.endswith(".whl") for t in targets), (
                f"{seg}: installs something that is not in a lock (only the project's own wheel may be)")
    assert locks_used == LOCKS
    for lock in LOCKS:
        assert (REPO / lock).is_file(), f"{lock} is missing: make lock"
    assert any(re.search(r"pip check\b", seg) for seg in run_segments(dockerfile[0])), "no pip check of the lock"


def test_no_test_tool_goes_into_the_image(dockerfile):
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    tools = {re.split(r"[\s<>=!~\[;]", req, maxsplit=1)[0].lower() for req in pyproject["project"]["optional-dependencies"]["test"]}
    text = " ".join(ins.args for stage in dockerfile for ins in stage.instructions).lower()
    for tool in tools:
        assert not re.search(rf"(?<![\w-]){re.escape(tool)}(?![\w-])", text), f"the Dockerfile mentions {tool}"
    for stage in dockerfile:
        for sources, _ in copy_sources(stage):
            for source in sources:
                assert source not in (".", "./", "tests") and not source.startswith("tests/"), f"COPY {source}"
    copied_from_build = [ins.args for ins in final(dockerfile).all("COPY") if "--from" in ins.args]
    assert all(args.split()[-2] == "/opt/deliverybot" for args in copied_from_build), (
        "the final stage takes only the virtualenv from the build stage")


def _ignore_patterns() -> list[tuple[bool, re.Pattern[str]]]:
    patterns = []
    for raw in (REPO / ".dockerignore").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        exclude = line.startswith("!")
        line = line.removeprefix("!").strip().strip("/")
        regex = ""
        i = 0
        while i < len(line):
            if line.startswith("**/", i):
                regex, i = regex + "(?:.*/)?", i + 3
            elif line.startswith("**", i):
                regex, i = regex + ".*", i + 2
            elif line[i] == "*":
                regex, i = regex + "[^/]*", i + 1
            elif line[i] == "?":
                regex, i = regex + "[^/]", i + 1
            else:
                regex, i = regex + re.escape(line[i]), i + 1
        patterns.append((exclude, re.compile(f"^{regex}$")))
    return patterns


def ignored(path: str) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parents decides."""
    parts = PurePosixPath(path).parts
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    result = False
    for exclude, pattern in _ignore_patterns():
        if any(pattern.match(c) for c in candidates):
            result = not exclude
    return result


def test_the_build_context_keeps_out_tests_git_venv_and_local_data():
    for path in (".git/config", ".venv/bin/python", "tests/test_manifest.py", "data/deliverybot.db", ".env",
                 "deploy/kubernetes/base/deployment.yaml", "bot/__pycache__/cli.cpython-311.pyc",
                 ".pytest_cache/README.md", "docs/architecture.md"):
        assert ignored(path), f"{path} would be sent to the image build"


def test_the_build_context_holds_everything_the_dockerfile_copies(dockerfile):
    for stage in dockerfile:
        for sources, _ in copy_sources(stage):
            for source in sources:
                path = REPO / source
                assert path.exists(), f"COPY {source}: no such file"
                files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
                assert files, f"COPY {source}: nothing to copy"
                for file in files:
                    relative = str(file.relative_to(REPO))
                    assert not ignored(relative), f"{relative} is copied by the Dockerfile but .dockerignore drops it"


def test_the_environment_agrees_with_the_volume_the_plan_and_the_manifests(dockerfile):
    stage = final(dockerfile)
    env = stage.env()
    volumes = [v for ins in stage.all("VOLUME") for v in re.findall(r'"([^"]+)"', ins.args) or ins.args.split()]
    database = env["DATABASE_URL"]
    assert database.startswith("sqlite:////"), "an absolute path: the bot's working directory is not the volume"
    assert any(database.removeprefix("sqlite:///").startswith(v.rstrip("/") + "/") for v in volumes), (
        f"{database} is not on a VOLUME {volumes}")
    plan = PurePosixPath(env["DELIVERYBOT_DEFAULT_PLAN"])
    copied = {dest.rstrip("/"): sources for sources, dest in copy_sources(stage)}
    assert str(plan.parent) in copied and copied[str(plan.parent)] == ["plans"], "the bundled plan is not copied"
    assert (REPO / "plans" / plan.name).is_file()
    exposed = {int(p.split("/")[0]) for ins in stage.all("EXPOSE") for p in ins.args.split()}
    assert exposed == {int(env["PORT"])}
    config = dict(line.split("=", 1) for line in (KUSTOMIZE / "base" / "config.env").read_text().splitlines()
                  if line and not line.startswith("#"))
    assert int(config["PORT"]) == int(env["PORT"]), "the manifests and the image disagree on PORT"
    assert env.get("MPLCONFIGDIR"), "matplotlib needs a writable config directory"


def test_python_is_the_locks_python(dockerfile):
    for stage in dockerfile:
        assert re.match(rf"^python:{re.escape(PYTHON_VERSION)}[.-]", stage.image), (
            f"FROM {stage.image}: the lock is made for CPython {PYTHON_VERSION}")
