"""Shared by the deploy tests: where things are, rendering a Kustomize tree with `kubectl kustomize`
(as Argo CD renders it), reading the Dockerfile as Docker does.

Rendering needs kubectl (its built-in kustomize); where it is missing those tests skip, saying so.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
KUSTOMIZE = REPO / "deploy" / "kubernetes"
ARGOCD = REPO / "deploy" / "argocd"
# Every tree an operator may deploy: the base and each overlay.
TREES = ("base", "overlays/sqlite", "overlays/postgres")


def render(tree: str) -> list[dict]:
    kubectl = shutil.which("kubectl")
    if not kubectl:
        pytest.skip("kubectl is not installed: the Kustomize trees cannot be rendered (`kubectl kustomize`)")
    done = subprocess.run([kubectl, "kustomize", str(KUSTOMIZE / tree)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, f"kubectl kustomize {tree} failed:\n{done.stderr}"
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


@dataclass
class Instruction:
    keyword: str  # upper case: FROM, RUN, COPY, ...
    args: str

    def exec_form(self) -> list[str] | None:
        """The JSON array of an exec-form CMD/ENTRYPOINT/HEALTHCHECK CMD, else None (shell form)."""
        text = self.args
        if self.keyword == "HEALTHCHECK":
            words = text.split()
            while words and words[0].startswith("--"):
                words.pop(0)
            if not words or words[0] != "CMD":
                return None
            text = " ".join(words[1:])
        try:
            value = json.loads(text)
        except ValueError:
            return None
        return value if isinstance(value, list) and all(isinstance(v, str) for v in value) else None


@dataclass
class Stage:
    image: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def last(self, keyword: str) -> Instruction | None:
        found = self.all(keyword)
        return found[-1] if found else None

    def env(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for ins in self.all("ENV"):
            for word in shlex.split(ins.args):
                key, _, value = word.partition("=")
                values[key] = value.strip('"')
        return values


def parse_dockerfile(text: str) -> tuple[dict[str, str], list[Stage]]:
    """Global ARGs and the stages, continuation lines joined and comments dropped (as Docker does)."""
    lines, current = [], ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if stripped.startswith("#") or (not stripped and not current):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        lines.append(current + stripped)
        current = ""
    if current:
        lines.append(current)
    args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in lines:
        keyword, _, rest = line.partition(" ")
        ins = Instruction(keyword.upper(), rest.strip())
        if ins.keyword == "ARG" and not stages:
            key, _, value = ins.args.partition("=")
            args[key] = value
        elif ins.keyword == "FROM":
            words = ins.args.split()
            image = words[0]
            for key, value in args.items():
                image = image.replace(f"${{{key}}}", value).replace("$" + key, value)
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            stages.append(Stage(image, name))
        else:
            assert stages, f"instruction before FROM: {line}"
            stages[-1].instructions.append(ins)
    return args, stages
