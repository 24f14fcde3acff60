"""deploy/kubernetes as an operator meets it: each tree rendered by `kubectl kustomize` (what Argo CD
applies), then read for what would bite on a k3s cluster.

* Valid: every object, strictly (an unknown field is an error), against the Kubernetes
  KUBERNETES_VERSION schemas that kubernetes-validate ships, offline; a misspelt field is caught.
* Hardened: every container runs as a numeric non-root user (the image's), on a read-only root
  filesystem, without privilege escalation or capabilities; no API token, no service links.
* Probed: liveness and startup on /healthz, readiness on /readyz, on the port PORT says.
* Sized: requests and limits for CPU and memory, the memory limit above what the bot was seen using.
* Writable where the bot writes: /tmp an emptyDir holding MPLCONFIGDIR, the SQLite file's directory
  on the PersistentVolumeClaim.
* SQLite (base, overlays/sqlite): one replica, Recreate, a ReadWriteOnce claim Argo CD never
  prunes, Socket Mode, no PodDisruptionBudget (one on a single replica blocks every drain).
* PostgreSQL (overlays/postgres): 2 replicas rolling one at a time, a PodDisruptionBudget keeping
  one, DATABASE_URL from a Secret, no claim, HTTP mode behind an Ingress that exposes only
  /slack/events, over TLS, to the Service.
* Configured as the bot reads it: every variable is one bot.settings knows (or MPLCONFIGDIR), and
  the values pass its checks, so the pod does not exit 2 at start.
* No secret in git: no Secret object, no secretGenerator, no token-like string under deploy/; every
  Slack and database value comes from a secretKeyRef, and README says how to create each of them.
"""

from __future__ import annotations

import copy
import re
import tomllib

import pytest
import yaml
from pydantic import ValidationError

from bot.settings import Settings
from tests.deploy.support import KUSTOMIZE, REPO, TREES

# The Kubernetes version the manifests are validated against (k3s v1.31 and later serve every API
# they use). kubernetes-validate must ship its schemas: `kubernetes_validate.utils.all_versions()`.
KUBERNETES_VERSION = "1.31.0"
NAMESPACE = "deliverybot"
SQLITE_TREES = ("base", "overlays/sqlite")
OVERLAYS = ("overlays/sqlite", "overlays/postgres")
MODE = {"base": "socket", "overlays/sqlite": "socket", "overlays/postgres": "http"}
SETTINGS_ENV = {f.alias for f in Settings.model_fields.values() if f.alias}
EXTRA_ENV = {"MPLCONFIGDIR", "MALLOC_ARENA_MAX"}  # matplotlib's and glibc's, not the bot's
SECRET_ENV = {"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "DATABASE_URL"}
PEAK_MEMORY = 130 * 2**20  # RSS seen drawing the dependency graph; idle is about 95 MiB
WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet", "Pod"}


def of_kind(objs: list[dict], kind: str) -> list[dict]:
    return [o for o in objs if o["kind"] == kind]


def only(objs: list[dict], kind: str) -> dict:
    found = of_kind(objs, kind)
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


def named(objs: list[dict], kind: str, name: str) -> dict:
    found = [o for o in of_kind(objs, kind) if o["metadata"]["name"] == name]
    assert found, f"{kind} {name!r} is referenced but not rendered"
    return found[0]


def pod_of(workload: dict) -> dict:
    return workload["spec"]["template"]["spec"]


def containers(pod: dict) -> list[dict]:
    return pod.get("initContainers", []) + pod["containers"]


def the_container(objs: list[dict]) -> dict:
    (container,) = pod_of(only(objs, "Deployment"))["containers"]
    return container


def secret_value(ref: dict) -> str:
    return f"<secret {ref['name']}/{ref['key']}>"


def environment(objs: list[dict], container: dict) -> dict[str, str]:
    """What the container starts with: envFrom first, env over it; a Secret's value as a marker."""
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        assert "configMapRef" in source, f"envFrom other than a ConfigMap: {source}"
        env.update(named(objs, "ConfigMap", source["configMapRef"]["name"]).get("data", {}))
    for entry in container.get("env", []):
        if "valueFrom" in entry:
            assert "value" not in entry, f"{entry['name']} has both value and valueFrom"
            ref = entry["valueFrom"]
            if "secretKeyRef" in ref:
                env[entry["name"]] = secret_value(ref["secretKeyRef"])
            else:
                cm = ref["configMapKeyRef"]
                env[entry["name"]] = named(objs, "ConfigMap", cm["name"])["data"][cm["key"]]
        else:
            env[entry["name"]] = entry["value"]
    return env


def env_entry(container: dict, name: str) -> dict | None:
    return next((e for e in container.get("env", []) if e["name"] == name), None)


def container_port(container: dict, port: int | str) -> int:
    if isinstance(port, int):
        return port
    for declared in container.get("ports", []):
        if declared.get("name") == port:
            return declared["containerPort"]
    raise AssertionError(f"port {port!r} is not a named port of container {container['name']}")


def quantity(value: str | int) -> float:
    text = str(value)
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9}
    for unit in sorted(units, key=len, reverse=True):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * units[unit]
    return float(text)


def settings_for(env: dict[str, str], monkeypatch) -> Settings:
    """The bot's Settings as the pod's process would read them."""
    for name in SETTINGS_ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings()


def sqlite_path(database_url: str) -> str | None:
    return database_url.split("://", 1)[1].removeprefix("/") if database_url.startswith("sqlite") else None


# --- valid for the pinned Kubernetes ---------------------------------------------------------------

@pytest.mark.parametrize("tree", TREES)
def test_every_object_is_valid_for_the_pinned_kubernetes(tree, rendered):
    kv = pytest.importorskip("kubernetes_validate", reason="kubernetes-validate is a test extra: pip install -e '.[test]'")
    wanted = KUBERNETES_VERSION.rsplit(".", 1)[0]
    assert wanted in kv.utils.all_versions() or KUBERNETES_VERSION in kv.utils.all_versions(), (
        f"kubernetes-validate {kv.__version__} ships no schemas for {wanted}: pin it to a release that does")
    for obj in rendered[tree]:
        what = f"{tree}: {obj['kind']}/{obj['metadata']['name']}"
        try:
            used = kv.validate(obj, KUBERNETES_VERSION, strict=True)
        except kv.ValidationError as err:
            pytest.fail(f"{what} is invalid for Kubernetes {wanted}: {err.message} at {list(err.path)}")
        except kv.SchemaNotFoundError as err:
            pytest.fail(f"{what}: {err.message}")
        assert used == wanted, f"{what} was checked against {used}, not {wanted}"


def test_the_validation_catches_a_misspelt_field_and_a_wrong_type(rendered):
    kv = pytest.importorskip("kubernetes_validate", reason="kubernetes-validate is a test extra: pip install -e '.[test]'")
    deployment = only(rendered["base"], "Deployment")
    misspelt = copy.deepcopy(deployment)
    container = pod_of(misspelt)["containers"][0]
    container["readinesProbe"] = container.pop("readinessProbe")
    with pytest.raises(kv.ValidationError):
        kv.validate(misspelt, KUBERNETES_VERSION, strict=True)
    wrong = copy.deepcopy(deployment)
    wrong["spec"]["replicas"] = "two"
    with pytest.raises(kv.ValidationError):
        kv.validate(wrong, KUBERNETES_VERSION, strict=True)


# --- hardened -------------------------------------------------------------------------------------

@pytest.mark.parametrize("tree", TREES)
def test_every_container_runs_as_a_numeric_non_root_user_on_a_read_only_root(tree, rendered):
    workloads = [o for o in rendered[tree] if o["kind"] in WORKLOAD_KINDS]
    assert workloads
    for workload in workloads:
        pod = pod_of(workload)
        pod_sc = pod.get("securityContext", {})
        assert pod_sc.get("seccompProfile", {}).get("type") == "RuntimeDefault"
        for c in containers(pod):
            sc = c.get("securityContext", {})
            user = sc.get("runAsUser", pod_sc.get("runAsUser"))
            group = sc.get("runAsGroup", pod_sc.get("runAsGroup"))
            where = f"{tree}: container {c['name']}"
            assert type(user) is int and user > 0, f"{where}: runAsUser must be a numeric non-root uid, is {user!r}"
            assert type(group) is int and group > 0, f"{where}: runAsGroup must be a numeric non-root gid"
            assert sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot")) is True, where
            assert sc.get("readOnlyRootFilesystem") is True, f"{where}: root filesystem not read-only"
            assert sc.get("allowPrivilegeEscalation") is False, where
            assert sc.get("privileged") is not True, where
            assert "ALL" in sc.get("capabilities", {}).get("drop", []), f"{where}: capabilities not dropped"
            assert not sc.get("capabilities", {}).get("add"), where


@pytest.mark.parametrize("tree", TREES)
def test_the_pod_gets_no_api_token_no_service_links_no_host_access(tree, rendered):
    pod = pod_of(only(rendered[tree], "Deployment"))
    assert pod.get("automountServiceAccountToken") is False, "the bot never calls the Kubernetes API"
    # Service links would inject DELIVERYBOT_PORT=tcp://... next to the bot's DELIVERYBOT_* settings.
    assert pod.get("enableServiceLinks") is False
    for key in ("hostNetwork", "hostPID", "hostIPC"):
        assert not pod.get(key), key
    assert not [v for v in pod.get("volumes", []) if "hostPath" in v]


@pytest.mark.parametrize("tree", TREES)
def test_the_pods_run_as_the_image_user(tree, rendered, dockerfile):
    user = dockerfile[-1].last("USER")
    assert user is not None
    uid, _, gid = user.args.partition(":")
    pod_sc = pod_of(only(rendered[tree], "Deployment")).get("securityContext", {})
    assert pod_sc.get("runAsUser") == int(uid), "the image owns /data and its caches as this uid"
    assert pod_sc.get("runAsGroup") == int(gid or uid)
    assert pod_sc.get("fsGroup") == int(gid or uid), "the volume must be writable by the bot's group"


# --- probed, sized, configured --------------------------------------------------------------------

@pytest.mark.parametrize("tree", TREES)
def test_probes_ask_healthz_and_readyz_on_the_port_the_bot_listens_on(tree, rendered):
    objs = rendered[tree]
    container = the_container(objs)
    port = int(environment(objs, container)["PORT"])
    expected = {"livenessProbe": "/healthz", "readinessProbe": "/readyz", "startupProbe": "/healthz"}
    for probe, path in expected.items():
        if probe == "startupProbe" and probe not in container:
            continue
        assert probe in container, f"{tree}: no {probe}"
        get = container[probe].get("httpGet")
        assert get, f"{tree}: {probe} is not an HTTP GET"
        assert get["path"] == path, f"{tree}: {probe} asks {get['path']}, not {path}"
        assert container_port(container, get["port"]) == port, f"{tree}: {probe} on another port than PORT={port}"
    # Liveness must not kill a pod still applying migrations: a startup probe or a long delay.
    live = container["livenessProbe"]
    startup = container.get("startupProbe")
    budget = (startup["periodSeconds"] * startup["failureThreshold"] if startup
              else live.get("initialDelaySeconds", 0))
    assert budget >= 60, f"{tree}: {budget}s to start before liveness restarts the pod"


@pytest.mark.parametrize("tree", TREES)
def test_requests_and_limits_are_set_and_above_what_the_bot_uses(tree, rendered):
    for c in containers(pod_of(only(rendered[tree], "Deployment"))):
        res = c.get("resources", {})
        for kind in ("requests", "limits"):
            for what in ("cpu", "memory"):
                assert what in res.get(kind, {}), f"{tree}: container {c['name']} has no {kind}.{what}"
        for what in ("cpu", "memory"):
            assert quantity(res["requests"][what]) <= quantity(res["limits"][what])
        assert quantity(res["limits"]["memory"]) >= 2 * PEAK_MEMORY, "room to draw the graph without an OOM kill"


@pytest.mark.parametrize("tree", TREES)
def test_every_variable_is_one_the_bot_reads_and_passes_its_checks(tree, rendered, monkeypatch):
    objs = rendered[tree]
    container = the_container(objs)
    env = environment(objs, container)
    unknown = set(env) - SETTINGS_ENV - EXTRA_ENV
    assert not unknown, f"{tree}: variables nothing reads (a typo?): {sorted(unknown)}; the bot reads {sorted(SETTINGS_ENV)}"
    try:
        settings = settings_for(env, monkeypatch)
    except ValidationError as err:
        pytest.fail(f"{tree}: the pod would exit 2 at start: {err}")
    assert settings.port == container_port(container, "http")
    assert settings.slack_mode == MODE[tree], f"{tree} starts in {settings.slack_mode} mode"
    command = container.get("command", []) + container.get("args", [])
    assert command in ([], ["deliverybot", "run"])


@pytest.mark.parametrize("tree", TREES)
def test_the_service_reaches_the_pods_on_the_bot_port(tree, rendered):
    objs = rendered[tree]
    deployment = only(objs, "Deployment")
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    service = only(objs, "Service")
    assert service["spec"]["selector"].items() <= labels.items(), "the Service selects no pod"
    container = the_container(objs)
    port = int(environment(objs, container)["PORT"])
    for sp in service["spec"]["ports"]:
        assert container_port(container, sp["targetPort"]) == port
    annotations = deployment["spec"]["template"]["metadata"].get("annotations", {})
    if annotations.get("prometheus.io/scrape") == "true":
        assert int(annotations["prometheus.io/port"]) == port
        assert annotations.get("prometheus.io/path", "/metrics") == "/metrics"


@pytest.mark.parametrize("tree", TREES)
def test_the_image_is_the_release_tag(tree, rendered):
    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    for c in containers(pod_of(only(rendered[tree], "Deployment"))):
        image = c["image"]
        name, _, tag = image.rpartition(":")
        assert "/" in name and tag, f"{tree}: image {image!r} has no registry path and tag (the images: transformer)"
        assert tag == version, f"{tree}: image tag {tag} is not the project's version {version}"
        assert c.get("imagePullPolicy") == "IfNotPresent"


# --- where the bot writes -------------------------------------------------------------------------

@pytest.mark.parametrize("tree", TREES)
def test_what_the_bot_writes_is_on_a_volume(tree, rendered):
    objs = rendered[tree]
    pod = pod_of(only(objs, "Deployment"))
    container = the_container(objs)
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    mounts = {m["mountPath"]: volumes[m["name"]] for m in container.get("volumeMounts", [])}
    writable = {path: v for path, v in mounts.items() if not any(
        m.get("readOnly") for m in container["volumeMounts"] if m["mountPath"] == path)}

    def volume_under(path: str) -> dict | None:
        best = max((p for p in writable if path == p or path.startswith(p.rstrip("/") + "/")), key=len, default=None)
        return writable[best] if best else None

    assert "emptyDir" in (mounts.get("/tmp") or {}), f"{tree}: /tmp is not an emptyDir"
    env = environment(objs, container)
    mpl = volume_under(env.get("MPLCONFIGDIR", "/nowhere"))
    assert mpl is not None and "emptyDir" in mpl, f"{tree}: MPLCONFIGDIR must be on a writable emptyDir"
    database = sqlite_path(env["DATABASE_URL"])
    if database is not None:
        assert database.startswith("/"), f"{tree}: the SQLite path must be absolute (sqlite:////data/...)"
        volume = volume_under(database)
        assert volume is not None and "persistentVolumeClaim" in volume, (
            f"{tree}: the SQLite file {database} is not on the PersistentVolumeClaim: it would vanish with the pod")
        named(objs, "PersistentVolumeClaim", volume["persistentVolumeClaim"]["claimName"])


@pytest.mark.parametrize("tree", SQLITE_TREES)
def test_sqlite_runs_one_pod_at_a_time_on_a_kept_claim(tree, rendered):
    objs = rendered[tree]
    deployment = only(objs, "Deployment")
    assert deployment["spec"]["replicas"] == 1, "two pods must never share a SQLite file"
    assert deployment["spec"]["strategy"]["type"] == "Recreate", "a rolling update runs two pods on one file"
    assert sqlite_path(environment(objs, the_container(objs))["DATABASE_URL"])
    claim = only(objs, "PersistentVolumeClaim")
    assert claim["spec"]["accessModes"] == ["ReadWriteOnce"]
    assert quantity(claim["spec"]["resources"]["requests"]["storage"]) >= 2**30
    options = claim["metadata"].get("annotations", {}).get("argocd.argoproj.io/sync-options", "")
    assert {"Prune=false", "Delete=false"} <= set(options.split(",")), "Argo CD could delete the database"
    assert not of_kind(objs, "PodDisruptionBudget"), "a PDB on a single replica blocks every node drain"
    assert not of_kind(objs, "Ingress"), "Socket Mode needs no public URL"


def test_postgres_runs_two_pods_that_roll_and_survive_a_drain(rendered):
    objs = rendered["overlays/postgres"]
    deployment = only(objs, "Deployment")
    replicas = deployment["spec"]["replicas"]
    assert replicas == 2
    strategy = deployment["spec"]["strategy"]
    assert strategy["type"] == "RollingUpdate" and strategy["rollingUpdate"]["maxUnavailable"] == 0
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    pdb = only(objs, "PodDisruptionBudget")
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items(), "the PDB selects no pod"
    if "minAvailable" in pdb["spec"]:
        assert 1 <= pdb["spec"]["minAvailable"] < replicas, "a drain must be able to evict one pod"
    else:
        assert 1 <= pdb["spec"]["maxUnavailable"] < replicas
    spread = pod_of(deployment).get("topologySpreadConstraints", [])
    assert any(s["topologyKey"] == "kubernetes.io/hostname"
               and s["labelSelector"]["matchLabels"].items() <= labels.items() for s in spread)


def test_postgres_reads_its_database_url_from_a_secret_and_keeps_no_claim(rendered):
    objs = rendered["overlays/postgres"]
    container = the_container(objs)
    entry = env_entry(container, "DATABASE_URL")
    assert entry is not None and "value" not in entry
    assert entry["valueFrom"]["secretKeyRef"]["name"]
    for cm in of_kind(objs, "ConfigMap"):
        assert "DATABASE_URL" not in cm.get("data", {})
    assert not of_kind(objs, "PersistentVolumeClaim")
    assert not [v for v in pod_of(only(objs, "Deployment")).get("volumes", []) if "persistentVolumeClaim" in v]
    assert "sqlite" not in yaml.safe_dump_all(objs)


def test_postgres_ingress_exposes_only_slack_events_over_tls(rendered):
    objs = rendered["overlays/postgres"]
    ingress = only(objs, "Ingress")
    service = only(objs, "Service")
    assert ingress["spec"].get("ingressClassName") == "traefik", "k3s ships Traefik"
    tls_hosts = {h for t in ingress["spec"].get("tls", []) for h in t.get("hosts", [])}
    service_ports = {p["name"] for p in service["spec"]["ports"]} | {p["port"] for p in service["spec"]["ports"]}
    for rule in ingress["spec"]["rules"]:
        assert rule["host"] in tls_hosts, f"{rule['host']}: Slack only calls HTTPS URLs"
        for path in rule["http"]["paths"]:
            assert (path["path"], path["pathType"]) == ("/slack/events", "Exact"), (
                f"{path['path']} is public: only /slack/events should be (/metrics stays inside)")
            backend = path["backend"]["service"]
            assert backend["name"] == service["metadata"]["name"]
            assert backend["port"].get("name", backend["port"].get("number")) in service_ports


@pytest.mark.parametrize("tree", OVERLAYS)
def test_overlays_put_everything_in_one_namespace(tree, rendered):
    for obj in rendered[tree]:
        assert obj["metadata"].get("namespace") == NAMESPACE, f"{obj['kind']}/{obj['metadata']['name']}"


# --- no secret in git -----------------------------------------------------------------------------

TOKEN_LIKE = re.compile(r"xox[abprs]-[0-9A-Za-z-]{8,}|xapp-[0-9]-[0-9A-Za-z-]{8,}|://[^:/\s]+:[a-z0-9]{8,}@")


def test_no_secret_value_is_kept_in_git(rendered):
    for tree, objs in rendered.items():
        assert not of_kind(objs, "Secret"), f"{tree} renders a Secret: secrets are created in the cluster, not kept here"
    for path in sorted((REPO / "deploy").rglob("*")):
        if not path.is_file():
            continue
        text = path.read_text()
        assert not TOKEN_LIKE.search(text), f"{path.relative_to(REPO)} holds what looks like a token or password"
        if path.suffix in (".yaml", ".yml"):
            for doc in yaml.safe_load_all(text):
                if not isinstance(doc, dict):
                    continue
                assert doc.get("kind") != "Secret", f"{path.relative_to(REPO)} holds a Secret"
                assert "secretGenerator" not in doc, f"{path.relative_to(REPO)} generates a Secret from files"
    for tree, objs in rendered.items():
        for name, entry in ((e["name"], e) for e in the_container(objs).get("env", [])):
            if name in SECRET_ENV and not (name == "DATABASE_URL" and tree in SQLITE_TREES):
                assert "secretKeyRef" in entry.get("valueFrom", {}), f"{tree}: {name} must come from a Secret"


def _readme_secret_commands() -> dict[str, set[str]]:
    """{secret name: keys} of every `kubectl ... create secret generic NAME --from-literal=KEY=...`
    in README's Kubernetes section."""
    readme = (REPO / "README.md").read_text()
    start = readme.index("## Run on Kubernetes")
    end = readme.find("\n## ", start + 1)
    section = readme[start:end if end != -1 else None]
    commands = re.sub(r"\\\n\s*", " ", section)
    found: dict[str, set[str]] = {}
    for line in commands.splitlines():
        match = re.search(r"create secret generic (\S+)(.*)", line)
        if match:
            found.setdefault(match[1], set()).update(re.findall(r"--from-literal=([A-Z_]+)=", match[2]))
    return found


def test_readme_says_how_to_create_every_secret_the_pods_need(rendered):
    documented = _readme_secret_commands()
    for tree, objs in rendered.items():
        for entry in the_container(objs).get("env", []):
            ref = entry.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                assert ref["key"] in documented.get(ref["name"], set()), (
                    f"{tree} needs key {ref['key']} of Secret {ref['name']}: README's 'Run on Kubernetes' "
                    "has no `kubectl create secret generic` line for it")
    for tls in only(rendered["overlays/postgres"], "Ingress")["spec"].get("tls", []):
        assert tls["secretName"] in (REPO / "README.md").read_text()


def test_every_kustomization_is_rendered_by_these_tests():
    trees = {str(p.parent.relative_to(KUSTOMIZE)) for p in KUSTOMIZE.rglob("kustomization.yaml")}
    assert trees == set(TREES), "a new overlay: add it to TREES in tests/deploy/support.py"
