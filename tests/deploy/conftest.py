"""The deploy tests' fixtures: the rendered Kustomize trees, the Argo CD Applications, the Dockerfile."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.deploy.support import ARGOCD, REPO, TREES, Stage, parse_dockerfile, render


@pytest.fixture(scope="session")
def rendered() -> dict[str, list[dict]]:
    """{tree: [objects]} for every tree in TREES."""
    return {tree: render(tree) for tree in TREES}


@pytest.fixture(scope="session")
def applications() -> list[tuple[Path, dict]]:
    found = [(path, doc) for path in sorted(ARGOCD.glob("*.yaml"))
             for doc in yaml.safe_load_all(path.read_text()) if doc]
    assert found, "deploy/argocd holds no Argo CD Application"
    return found


@pytest.fixture(scope="session")
def dockerfile() -> list[Stage]:
    return parse_dockerfile((REPO / "Dockerfile").read_text())[1]
