"""The Kubernetes manifests (``deploy/k8s``), as each overlay renders them: valid for the
pinned Kubernetes version, and true to the system they run (its commands, settings,
topology and limits), for every workload. No cluster: ``kubectl kustomize`` renders, the
schemas and the services' own code judge."""

from __future__ import annotations

import importlib
import json
import os
import re
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from cryptography.fernet import Fernet
from typer.testing import CliRunner

from runnerly.cli import app as cli
from runnerly_kit.settings import KitSettings
from runnerly_kit.topology import BEATS, CLIENT_SCOPES, SERVICES, WORKERS

pytestmark = [pytest.mark.xdist_group("deploy")]

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ("production", "local")
# The Kubernetes version the manifests are written for (kubectl here is 1.32 too).
KUBERNETES_VERSION = "1.32.0"
SECRET = "runnerly-secrets"
# Where the ingress controller runs: the only namespace that reaches the dashboard.
INGRESS_NAMESPACE = "ingress-nginx"
# Where the operator's Prometheus runs: the only namespace that reaches the metrics ports.
MONITORING_NAMESPACE = "monitoring"
NAME = "app.kubernetes.io/name"
COMPONENT = "app.kubernetes.io/component"
# The label Kubernetes gives every namespace: its name.
NAMESPACE_NAME = "kubernetes.io/metadata.name"
Object = dict[str, Any]


def kubectl() -> str:
    found = shutil.which("kubectl")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("kubectl is needed under CI (scripts/infra.sh install)")
        pytest.skip("kubectl is not installed")
    version = subprocess.run(
        [found, "version", "--client"], capture_output=True, text=True, check=False
    ).stdout
    # The manifests use kustomize v5's `labels` (with includeTemplates); an older kubectl
    # (Debian's is 1.20, kustomize v2) renders them wrong or not at all.
    kustomize = re.search(r"Kustomize Version: v(\d+)", version)
    if kustomize is None or int(kustomize.group(1)) < 5:
        pytest.fail(f"kubectl 1.27 or later is needed to render deploy/k8s; found: {version}")
    return found


@pytest.fixture(scope="module", params=OVERLAYS)
def rendered(request: pytest.FixtureRequest) -> list[Object]:
    result = subprocess.run(
        [kubectl(), "kustomize", str(K8S / "overlays" / request.param)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return [document for document in yaml.safe_load_all(result.stdout) if document]


def of_kind(objects: list[Object], kind: str) -> list[Object]:
    return [item for item in objects if item["kind"] == kind]


def named(objects: list[Object], kind: str, name: str) -> Object:
    (found,) = [item for item in of_kind(objects, kind) if item["metadata"]["name"] == name]
    return found


def pod_specs(objects: list[Object]) -> Iterator[tuple[str, Object]]:
    for item in objects:
        if item["kind"] in ("Deployment", "Job"):
            yield item["metadata"]["name"], item["spec"]["template"]["spec"]


def containers(pod: Object) -> list[Object]:
    return [*pod.get("initContainers", []), *pod["containers"]]


def deployments(objects: list[Object], component: str) -> dict[str, Object]:
    """The Deployments of one component, by service name."""
    return {
        item["spec"]["template"]["metadata"]["labels"][NAME]: item
        for item in of_kind(objects, "Deployment")
        if item["spec"]["template"]["metadata"]["labels"][COMPONENT] == component
    }


def template_labels(workload: Object) -> dict[str, str]:
    labels: dict[str, str] = workload["spec"]["template"]["metadata"]["labels"]
    return labels


def main_container(deployment: Object) -> Object:
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return container


def config(objects: list[Object]) -> dict[str, str]:
    (config_map,) = of_kind(objects, "ConfigMap")
    data: dict[str, str] = config_map["data"]
    return data


def test_every_object_is_valid_for_the_pinned_kubernetes_version(
    rendered: list[Object],
) -> None:
    for item in rendered:
        try:
            kubernetes_validate.validate(item, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(f"{item['kind']} {item['metadata']['name']}: {exc.message}")


def test_a_deployment_runs_every_server_worker_and_beat_and_nothing_else(
    rendered: list[Object],
) -> None:
    commands = sorted(tuple(main_container(d)["args"]) for d in of_kind(rendered, "Deployment"))

    assert commands == sorted(
        [("serve", name) for name in SERVICES]
        + [("worker", name) for name in WORKERS]
        + [("beat", name) for name in BEATS]
    )


def test_every_command_is_a_real_runnerly_command(rendered: list[Object]) -> None:
    runner = CliRunner()
    takes = {"serve": SERVICES, "worker": WORKERS, "beat": BEATS, "migrate": SERVICES}
    for name, pod in pod_specs(rendered):
        for container in containers(pod):
            args = container["args"]
            # The image's entrypoint is runnerly: a command of its own would bypass it.
            assert "command" not in container, name
            result = runner.invoke(cli, [*args, "--help"])
            assert result.exit_code == 0, f"{name}: runnerly {' '.join(args)}: {result.output}"
            operands = [arg for arg in args[1:] if not arg.startswith("-")]
            assert all(operand in takes[args[0]] for operand in operands), (name, args)


def test_every_workload_waits_for_its_own_migrations_which_a_job_runs(
    rendered: list[Object],
) -> None:
    (job,) = of_kind(rendered, "Job")
    assert job["spec"]["template"]["spec"]["containers"][0]["args"] == ["migrate"]
    for deployment in of_kind(rendered, "Deployment"):
        service = deployment["spec"]["template"]["metadata"]["labels"][NAME]
        waits = [c["args"] for c in deployment["spec"]["template"]["spec"]["initContainers"]]
        assert waits == [["migrate", "--check", service]], deployment["metadata"]["name"]


def test_every_server_is_probed_on_its_port(rendered: list[Object]) -> None:
    settings = config(rendered)
    for service, deployment in deployments(rendered, "server").items():
        container = main_container(deployment)
        (port,) = [port for port in container["ports"] if port["name"] == "http"]
        assert port == {
            "name": "http",
            "containerPort": int(settings[f"RUNNERLY_{service.upper()}_PORT"]),
        }
        for probe, path in (
            ("startupProbe", "/health/live"),
            ("livenessProbe", "/health/live"),
            ("readinessProbe", "/health/ready"),
        ):
            assert container[probe]["httpGet"] == {"path": path, "port": "http"}, service


def test_every_container_has_requests_and_limits(rendered: list[Object]) -> None:
    for name, pod in pod_specs(rendered):
        for container in containers(pod):
            resources = container["resources"]
            for bound in ("requests", "limits"):
                assert set(resources[bound]) == {"cpu", "memory"}, (name, container["name"])


def test_every_pod_runs_restricted_on_a_read_only_root(rendered: list[Object]) -> None:
    (namespace,) = of_kind(rendered, "Namespace")
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    for name, pod in pod_specs(rendered):
        assert pod["automountServiceAccountToken"] is False, name
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert not {"hostNetwork", "hostPID", "hostIPC"} & set(pod), name
        volumes = {volume["name"]: volume for volume in pod["volumes"]}
        assert not any("hostPath" in volume for volume in volumes.values()), name
        for container in containers(pod):
            context = container["securityContext"]
            assert context == {
                "allowPrivilegeEscalation": False,
                "readOnlyRootFilesystem": True,
                "runAsNonRoot": True,
                "runAsUser": 10001,
                "runAsGroup": 10001,
                "capabilities": {"drop": ["ALL"]},
                "seccompProfile": {"type": "RuntimeDefault"},
            }, (name, container["name"])
            mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
            # Every path the processes write is a volume: the root is read-only.
            for path in ("/tmp", config(rendered)["RUNNERLY_DATA_DIR"]):  # noqa: S108
                assert "emptyDir" in volumes[mounts[path]], (name, path)


def test_beats_run_one_at_a_time_and_the_workers_leave_the_schedule_to_them(
    rendered: list[Object],
) -> None:
    beats = deployments(rendered, "beat")
    hpas = of_kind(rendered, "HorizontalPodAutoscaler")
    autoscaled = {hpa["spec"]["scaleTargetRef"]["name"] for hpa in hpas}

    assert set(beats) == set(BEATS)
    for service, beat in beats.items():
        assert beat["spec"]["replicas"] == 1, service
        assert beat["spec"]["strategy"] == {"type": "Recreate"}, service
        assert beat["metadata"]["name"] not in autoscaled
        # Else every worker replica would send the scheduled tasks too.
        assert config(rendered)[f"RUNNERLY_{service.upper()}_EMBED_BEAT"] == "false"


def test_only_the_dashboard_and_the_dataservice_are_autoscaled(rendered: list[Object]) -> None:
    targets = {
        hpa["spec"]["scaleTargetRef"]["name"]: hpa
        for hpa in of_kind(rendered, "HorizontalPodAutoscaler")
    }
    servers = deployments(rendered, "server")

    assert set(targets) <= {"dashboard", "dataservice"}
    for name, hpa in targets.items():
        assert hpa["spec"]["scaleTargetRef"]["kind"] == "Deployment"
        assert hpa["spec"]["minReplicas"] >= 2
        assert servers[name]["spec"]["replicas"] == hpa["spec"]["minReplicas"]


def selects(selector: Object, labels: dict[str, str]) -> bool:
    """A label selector (matchLabels and matchExpressions) on a pod's labels."""
    if any(labels.get(key) != value for key, value in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        value = labels.get(expression["key"])
        operator = expression["operator"]
        if operator == "In" and value not in expression["values"]:
            return False
        if operator == "NotIn" and value in expression["values"]:
            return False
        if operator == "Exists" and value is None:
            return False
        if operator == "DoesNotExist" and value is not None:
            return False
    return True


@dataclass(frozen=True)
class Pod:
    name: str
    namespace: str
    labels: dict[str, str]
    namespace_labels: dict[str, str]
    # The names of its containers' ports.
    ports: frozenset[str] = frozenset()

    @property
    def service(self) -> str | None:
        return self.labels.get(NAME)

    @property
    def component(self) -> str | None:
        return self.labels.get(COMPONENT)


def pods(objects: list[Object]) -> list[Pod]:
    """One pod of every workload, and one of the ingress controller, of Prometheus and of
    another tenant."""
    (namespace,) = of_kind(objects, "Namespace")
    name = namespace["metadata"]["name"]
    ours = {**namespace["metadata"]["labels"], NAMESPACE_NAME: name}
    return [
        *(
            Pod(
                item["metadata"]["name"], name, template_labels(item), ours,
                frozenset(
                    port["name"]
                    for container in item["spec"]["template"]["spec"]["containers"]
                    for port in container.get("ports", [])
                ),
            )
            for item in objects
            if item["kind"] in ("Deployment", "Job")
        ),
        Pod("ingress", INGRESS_NAMESPACE, {}, {NAMESPACE_NAME: INGRESS_NAMESPACE}),
        Pod("prometheus", MONITORING_NAMESPACE, {}, {NAMESPACE_NAME: MONITORING_NAMESPACE}),
        # Our labels in another namespace: not one of ours.
        Pod("tenant", "default", {NAME: "dashboard", COMPONENT: "worker"},
            {NAMESPACE_NAME: "default"}),
    ]


def admits(policies: list[Object], source: Pod, target: Pod, port_name: str) -> bool:
    """Whether the NetworkPolicies let ``source`` open a connection to ``target``'s port
    named ``port_name`` (as Kubernetes reads them: a pod no policy selects takes anything;
    else the union of the selecting policies' rules)."""
    if port_name not in target.ports:
        return False
    selecting = [
        policy
        for policy in policies
        if policy["metadata"]["namespace"] == target.namespace
        and selects(policy["spec"]["podSelector"], target.labels)
    ]
    if not selecting:
        return True
    for policy in selecting:
        for rule in policy["spec"].get("ingress", []):
            ports = rule.get("ports")
            if ports is not None and not any(port.get("port") == port_name for port in ports):
                continue
            for peer in rule.get("from", []):
                namespaces = peer.get("namespaceSelector")
                in_namespace = (
                    selects(namespaces, source.namespace_labels)
                    if namespaces is not None
                    else source.namespace == target.namespace
                )
                if in_namespace and selects(peer.get("podSelector", {}), source.labels):
                    return True
    return False


def callers(service: str) -> set[str]:
    """The services that open connections to ``service``: those naming it among their
    peers, and for tokendealer every other one (each verifies tokens with its JWKS, the
    kit's ``tokendealer_url``)."""
    if service == "tokendealer":
        return set(SERVICES) - {service}
    return {name for name, spec in SERVICES.items() if service in spec.peers}


def test_the_network_policies_let_exactly_the_topologys_calls_through(
    rendered: list[Object],
) -> None:
    policies = of_kind(rendered, "NetworkPolicy")
    everyone = pods(rendered)
    (namespace,) = of_kind(rendered, "Namespace")
    ours = [pod for pod in everyone if pod.namespace == namespace["metadata"]["name"]]

    allowed = {
        (source.name, target.name, port)
        for source in everyone
        for target in ours
        for port in ("http", "metrics")
        if admits(policies, source, target, port)
    }

    expected = {
        (source.name, target.name, "http")
        for source in everyone
        for target in ours
        if target.component == "server"
        and (
            (target.service == "dashboard" and source.namespace == INGRESS_NAMESPACE)
            or (
                source.namespace == target.namespace
                and source.component in ("server", "worker")
                and source.service in callers(target.service or "")
            )
        )
    } | {
        # Prometheus scrapes every server and worker, on that port only.
        (source.name, target.name, "metrics")
        for source in everyone
        for target in ours
        if source.namespace == MONITORING_NAMESPACE and target.component in ("server", "worker")
    }
    assert allowed == expected


def test_every_server_has_a_service_on_its_port_and_a_disruption_budget(
    rendered: list[Object],
) -> None:
    everyone = pods(rendered)
    for service, deployment in deployments(rendered, "server").items():
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        (port,) = [
            port["containerPort"]
            for port in main_container(deployment)["ports"]
            if port["name"] == "http"
        ]
        kube_service = named(rendered, "Service", service)
        budget = named(rendered, "PodDisruptionBudget", service)

        # The server's pods and no other: a worker behind the Service would take requests.
        selector = {"matchLabels": kube_service["spec"]["selector"]}
        assert [pod.name for pod in everyone if selects(selector, pod.labels)] == [
            deployment["metadata"]["name"]
        ]
        assert selects(budget["spec"]["selector"], labels)
        assert kube_service["spec"]["ports"] == [
            {"name": "http", "port": port, "targetPort": "http"}
        ]
        assert config(rendered)[f"RUNNERLY_{service.upper()}_URL"] == f"http://{service}:{port}"
        assert budget["spec"]["maxUnavailable"] == 1


def body_bytes(size: str) -> int:
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    return int(size[:-1]) * units[size[-1].lower()] if size[-1].isalpha() else int(size)


def test_only_the_dashboard_is_exposed_with_its_body_limits_and_rate_limits(
    rendered: list[Object],
) -> None:
    from runnerly_dashboard.config import Settings as DashboardSettings

    contract = json.loads((ROOT / "contracts" / "dashboard.json").read_text())
    kit_limit = KitSettings.model_fields["max_body_bytes"].default
    import_limit = DashboardSettings.model_fields["import_max_body_bytes"].default
    limited = {"/api/auth/login", "/api/auth/signup", "/api/auth/password-reset",
               "/api/runs/import"}
    seen: set[str] = set()
    for ingress in of_kind(rendered, "Ingress"):
        annotations = ingress["metadata"]["annotations"]
        paths = [
            path for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]
        ]
        for path in paths:
            assert path["backend"]["service"] == {"name": "dashboard", "port": {"name": "http"}}
            seen.add(path["path"])
            assert path["path"] == "/" or path["path"] in contract["paths"], path["path"]
            # The limit of the paths it routes: more is refused before a pod reads it.
            expected = import_limit if path["path"] == "/api/runs/import" else kit_limit
            size = annotations["nginx.ingress.kubernetes.io/proxy-body-size"]
            assert body_bytes(size) == expected, path["path"]
            rate = annotations.get("nginx.ingress.kubernetes.io/limit-rpm")
            assert (rate is not None) == (path["path"] in limited), path["path"]
    assert seen == {"/", *limited}


def secret_values() -> dict[str, str]:
    """A value for every key of the Secret, as an operator makes them."""
    client_secrets = {client: secrets.token_urlsafe(32) for client in CLIENT_SCOPES}
    values = {
        f"RUNNERLY_{client.upper()}_CLIENT_SECRET": secret
        for client, secret in client_secrets.items()
    }
    for service in SERVICES:
        values[f"RUNNERLY_{service.upper()}_DATABASE_URL"] = (
            f"postgresql+psycopg://runnerly:{secrets.token_hex(8)}@postgres/{service}"
        )
    values.update(
        RUNNERLY_BROKER_URL="amqp://runnerly:secret@rabbitmq:5672/runnerly",
        RUNNERLY_MAILER_SMTP_URL="smtp://runnerly:secret@smtp.example.org:587",
        RUNNERLY_TOKENDEALER_CLIENTS=json.dumps({
            client: {"secret": client_secrets[client], "scopes": scopes}
            for client, scopes in CLIENT_SCOPES.items()
        }),
        RUNNERLY_INGEST_TOKEN_KEY=Fernet.generate_key().decode(),
        RUNNERLY_INGEST_WEBHOOK_VERIFY_TOKEN=secrets.token_urlsafe(24),
        RUNNERLY_STRAVA_CLIENT_ID="4242",
        RUNNERLY_STRAVA_CLIENT_SECRET=secrets.token_urlsafe(24),
        RUNNERLY_REPORTS_UNSUBSCRIBE_KEY=secrets.token_urlsafe(32),
    )
    return values


def environment(objects: list[Object], container: Object, secret: dict[str, str]) -> dict[str, str]:
    """The container's environment as the kubelet builds it from the manifests."""
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        # Only the ConfigMap: a whole Secret would hand every container every secret.
        assert set(source) == {"configMapRef"}, source
        env.update(named(objects, "ConfigMap", source["configMapRef"]["name"])["data"])
    for variable in container.get("env", []):
        # A literal here would be a setting the ConfigMap does not show.
        reference = variable["valueFrom"]["secretKeyRef"]
        assert reference["name"] == SECRET, variable
        assert reference["key"] == variable["name"], variable
        env[variable["name"]] = secret[reference["key"]]
    return env


def test_every_container_starts_in_production_with_the_config_map_and_the_secret(
    rendered: list[Object], monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = secret_values()
    for name, pod in pod_specs(rendered):
        for container in containers(pod):
            env = environment(rendered, container, secret)
            args = container["args"]
            served = [arg for arg in args[1:] if not arg.startswith("-")] or list(SERVICES)
            for variable in os.environ:
                if variable.startswith("RUNNERLY_"):
                    monkeypatch.delenv(variable)
            for variable, value in env.items():
                monkeypatch.setenv(variable, value)
            for service in served:
                module = importlib.import_module(f"runnerly_{service}.config")
                # As the command builds them: in production, a missing secret refuses.
                settings = module.Settings()
                assert settings.env == "production"
                assert settings.database_url == secret[f"RUNNERLY_{service.upper()}_DATABASE_URL"]
                for peer in SERVICES[service].peers:
                    assert settings.url_of(peer) == env[f"RUNNERLY_{peer.upper()}_URL"], name
            monkeypatch.undo()


def test_the_secret_example_names_exactly_the_keys_the_manifests_read(
    rendered: list[Object],
) -> None:
    lines = (K8S / "secrets.example.env").read_text().splitlines()
    example = dict(
        line.split("=", 1) for line in lines if line.strip() and not line.startswith("#")
    )
    read = {
        variable["valueFrom"]["secretKeyRef"]["key"]
        for _, pod in pod_specs(rendered)
        for container in containers(pod)
        for variable in container.get("env", [])
    }

    assert set(example) == read
    # tokendealer's table names every service client with the scopes it may ask for, and
    # no secret: those the operator makes.
    clients = json.loads(example["RUNNERLY_TOKENDEALER_CLIENTS"])
    assert clients == {
        client: {"secret": "", "scopes": scopes} for client, scopes in CLIENT_SCOPES.items()
    }
    assert not [key for key, value in example.items() if "SECRET" in key and value]
