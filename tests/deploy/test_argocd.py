"""deploy/argocd: the example Argo CD Application, checked for its structure by hand.

kubernetes-validate has no schema for Argo CD's CRDs, and none is faked here: the checks are the
ones an Application lives or dies by. It is an argoproj.io/v1alpha1 Application in Argo CD's own
namespace; every field it sets is one Argo CD knows (a misspelt key is silently ignored by the API
server, so it is refused here); its source path is a Kustomize tree of this repository that
renders, and that these tests check; its destination names one cluster and the namespace the
tree renders into; automated pruning never reaches the SQLite claim.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from tests.deploy.support import KUSTOMIZE, REPO, TREES, render

SPEC_KEYS = {"project", "source", "sources", "destination", "syncPolicy", "ignoreDifferences", "info",
             "revisionHistoryLimit"}
SOURCE_KEYS = {"repoURL", "path", "targetRevision", "kustomize", "helm", "directory", "plugin", "chart",
               "ref", "name"}
KUSTOMIZE_KEYS = {"images", "namePrefix", "nameSuffix", "namespace", "commonLabels", "commonAnnotations",
                  "patches", "replicas", "components", "version", "forceCommonLabels",
                  "forceCommonAnnotations", "labelWithoutSelector", "kubeVersion", "apiVersions"}
DESTINATION_KEYS = {"server", "name", "namespace"}
SYNC_POLICY_KEYS = {"automated", "syncOptions", "retry", "managedNamespaceMetadata"}
AUTOMATED_KEYS = {"prune", "selfHeal", "allowEmpty", "enabled"}
SYNC_OPTIONS = {"CreateNamespace", "PruneLast", "ApplyOutOfSyncOnly", "ServerSideApply", "Validate",
                "PrunePropagationPolicy", "Replace", "FailOnSharedResource", "RespectIgnoreDifferences",
                "Prune", "Delete"}


def test_every_application_is_an_argo_cd_application_in_its_namespace(applications):
    for path, app in applications:
        where = path.relative_to(REPO)
        assert app.get("apiVersion") == "argoproj.io/v1alpha1", where
        assert app.get("kind") == "Application", where
        assert app["metadata"].get("name"), where
        # Argo CD watches Applications in its own namespace only (unless told otherwise).
        assert app["metadata"].get("namespace") == "argocd", f"{where}: not in the argocd namespace"
        unknown = set(app["spec"]) - SPEC_KEYS
        assert not unknown, f"{where}: fields Argo CD does not know: {sorted(unknown)}"
        assert app["spec"].get("project"), f"{where}: no project"


def test_the_source_is_a_tree_of_this_repository_that_renders(applications, rendered):
    for path, app in applications:
        where = path.relative_to(REPO)
        source = app["spec"].get("source")
        assert source and "sources" not in app["spec"], f"{where}: one source, this repository"
        unknown = set(source) - SOURCE_KEYS
        assert not unknown, f"{where}: source fields Argo CD does not know: {sorted(unknown)}"
        assert re.match(r"^(https://|ssh://|git@)\S+$", source.get("repoURL", "")), f"{where}: repoURL"
        assert source.get("targetRevision"), f"{where}: no targetRevision"
        unknown = set(source.get("kustomize", {})) - KUSTOMIZE_KEYS
        assert not unknown, f"{where}: kustomize fields Argo CD does not know: {sorted(unknown)}"
        tree_path = PurePosixPath(source["path"])
        assert not tree_path.is_absolute() and ".." not in tree_path.parts, f"{where}: path must be inside the repo"
        tree = REPO / tree_path
        assert (tree / "kustomization.yaml").is_file(), f"{where}: {tree_path} is not a Kustomize tree of this repo"
        relative = str(tree.relative_to(KUSTOMIZE))
        assert relative in TREES, f"{where}: {tree_path} is not one of the trees the deploy tests check"
        assert relative != "base", f"{where}: deploy an overlay (it sets the namespace), not the base"
        assert render(relative) == rendered[relative]


def test_the_destination_is_one_cluster_and_the_namespace_the_tree_renders_into(applications, rendered):
    for path, app in applications:
        where = path.relative_to(REPO)
        destination = app["spec"].get("destination", {})
        unknown = set(destination) - DESTINATION_KEYS
        assert not unknown, f"{where}: destination fields Argo CD does not know: {sorted(unknown)}"
        assert ("server" in destination) != ("name" in destination), f"{where}: set server or name, one of them"
        objs = rendered[str((REPO / app["spec"]["source"]["path"]).relative_to(KUSTOMIZE))]
        namespaces = {o["metadata"].get("namespace") for o in objs}
        assert namespaces == {destination.get("namespace")}, (
            f"{where}: destination namespace {destination.get('namespace')} but the tree renders into {namespaces}")


def test_the_sync_policy_is_known_and_never_prunes_the_database(applications, rendered):
    for path, app in applications:
        where = path.relative_to(REPO)
        policy = app["spec"].get("syncPolicy", {})
        unknown = set(policy) - SYNC_POLICY_KEYS
        assert not unknown, f"{where}: syncPolicy fields Argo CD does not know: {sorted(unknown)}"
        assert not set(policy.get("automated") or {}) - AUTOMATED_KEYS, where
        options = dict(option.split("=", 1) for option in policy.get("syncOptions", []))
        assert not set(options) - SYNC_OPTIONS, f"{where}: unknown sync options {sorted(set(options) - SYNC_OPTIONS)}"
        objs = rendered[str((REPO / app["spec"]["source"]["path"]).relative_to(KUSTOMIZE))]
        if not any(o["kind"] == "Namespace" for o in objs):
            assert options.get("CreateNamespace") == "true", f"{where}: nothing creates the namespace"
        if (policy.get("automated") or {}).get("prune"):
            for claim in (o for o in objs if o["kind"] == "PersistentVolumeClaim"):
                sync = claim["metadata"].get("annotations", {}).get("argocd.argoproj.io/sync-options", "")
                assert "Prune=false" in sync.split(","), f"{where}: automated prune could delete the database"
