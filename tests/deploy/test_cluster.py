"""The Kubernetes manifests run as a cluster would run them, on this one machine: the
``local`` overlay with an overlay for this machine on top (host networking, a port of its
own for every server and metrics endpoint, the test's PostgreSQL databases, RabbitMQ vhost
and SMTP server in the Secret), rendered by ``kubectl kustomize``; then the migrate Job's
container to completion, and every Deployment's init container and main container as
containers of the image, each built from its manifest's fields (args, env and envFrom,
security context, volumes, resource limits) and waited for by its own probes. nginx in
front, a runner's journey through it over https, and a worker killed mid-import.

``podman kube play`` (podman 4.3 here) cannot run these manifests: it knows no Job ("YAML
document does not contain any supported kube kind"), refuses a pod on the host's network
that names container ports ("PortMappings can only be used with Bridge or slirp4netns
networking"), and builds its pods' pause image from catatonit, which is not installed. So
each container is a ``podman run`` made from the rendered manifest, as the kubelet would
make it: nothing of its command, environment or probes is restated here.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import jwt
import pytest
import trustme
import yaml
from aiosmtpd.controller import Controller

from runnerly_kit.topology import SERVICES

from ..integration.conftest import CONFIRM_LINK, text_of
from ..system import (
    START_LOCK,
    SmtpInbox,
    drop_postgres_databases,
    drop_rabbitmq_vhost,
    gpx_run,
    import_files,
    postgres_databases,
    rabbitmq_vhost,
    wait_until,
)
from .conftest import podman, require_tool
from .test_k8s import K8S, SECRET, containers, of_kind, secret_values
from .test_nginx import certificate, nginx_t, render

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("deploy")]

ROOT = Path(__file__).resolve().parents[2]
ACTIVITIES = Path(__file__).resolve().parents[2] / "services/ingest/tests/files/data"
FIT_RUN = "activity-small-fenix2-run.fit"
PASSWORD = "correct horse battery staple"
LABEL = "io.runnerly.smoke"
Object = dict[str, Any]


def _free_ports(count: int) -> list[int]:
    """Ports free on the loopback now, distinct (bound together, then released)."""
    sockets = []
    try:
        for _ in range(count):
            probe = socket.socket()
            probe.bind(("127.0.0.1", 0))
            sockets.append(probe)
        return [probe.getsockname()[1] for probe in sockets]
    finally:
        for probe in sockets:
            probe.close()


def _kustomize(directory: Path) -> list[Object]:
    result = subprocess.run(
        [require_tool("kubectl"), "kustomize", str(directory)],
        capture_output=True, text=True, check=False, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return [document for document in yaml.safe_load_all(result.stdout) if document]


def _port_index(container: Object, name: str) -> int:
    (index,) = [i for i, port in enumerate(container.get("ports", [])) if port["name"] == name]
    return index


def this_machine_overlay(
    directory: Path, secret: dict[str, str], public_url: str
) -> tuple[Path, dict[str, int]]:
    """An overlay of ``local`` for this machine, written to ``directory``: every pod on the
    host's network, so every server listens on the loopback on a port of its own (its
    containerPort too, as Kubernetes requires of a host-network pod), and so does every
    metrics endpoint; the peers' URLs on those ports; the test's Secret. Returns it and the
    ports, by "<deployment>/<port name>"."""
    local = K8S / "overlays" / "local"
    workloads = [item for item in _kustomize(local) if item["kind"] in ("Deployment", "Job")]
    named_ports = [
        (item["metadata"]["name"], port["name"])
        for item in workloads
        for port in item["spec"]["template"]["spec"]["containers"][0].get("ports", [])
    ]
    ports = dict(zip((f"{w}/{p}" for w, p in named_ports), _free_ports(len(named_ports)),
                     strict=True))
    literals = [f"RUNNERLY_PUBLIC_URL={public_url}", "RUNNERLY_TRUSTED_PROXIES=127.0.0.1",
                "RUNNERLY_OUTBOX_POLL_SECONDS=1"]
    for service in SERVICES:
        prefix = f"RUNNERLY_{service.upper()}"
        literals += [
            f"{prefix}_HOST=127.0.0.1",
            f"{prefix}_PORT={ports[f'{service}/http']}",
            f"{prefix}_URL=http://127.0.0.1:{ports[f'{service}/http']}",
            f"{prefix}_METRICS_PORT={ports[f'{service}/metrics']}",
        ]
    patches: list[Object] = [
        {
            "target": {"kind": kind},
            "patch": yaml.safe_dump([
                {"op": "add", "path": "/spec/template/spec/hostNetwork", "value": True},
            ]),
        }
        for kind in ("Deployment", "Job")
    ]
    for item in workloads:
        if item["kind"] != "Deployment":
            continue
        name = item["metadata"]["name"]
        container = item["spec"]["template"]["spec"]["containers"][0]
        operations: list[Object] = [
            {
                "op": "replace",
                "path": f"/spec/template/spec/containers/0/ports/{_port_index(container, port)}"
                "/containerPort",
                "value": ports[f"{name}/{port}"],
            }
            for port in ("http", "metrics")
            if f"{name}/{port}" in ports
        ]
        if item["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"] == (
            "worker"
        ):
            # One setting names every worker's metrics port: on one network, each its own.
            operations.append({
                "op": "add",
                "path": "/spec/template/spec/containers/0/env/-",
                "value": {"name": "RUNNERLY_WORKER_METRICS_PORT",
                          "value": str(ports[f"{name}/metrics"])},
            })
        if operations:
            patches.append({"target": {"kind": "Deployment", "name": name},
                            "patch": yaml.safe_dump(operations)})
    (directory / "secret.env").write_text(
        "".join(f"{key}={value}\n" for key, value in secret.items())
    )
    (directory / "kustomization.yaml").write_text(yaml.safe_dump({
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": [os.path.relpath(local, directory)],
        "configMapGenerator": [
            {"name": "runnerly-config", "behavior": "merge", "literals": literals},
        ],
        "secretGenerator": [
            {"name": SECRET, "envs": ["secret.env"],
             "options": {"disableNameSuffixHash": True}},
        ],
        "patches": patches,
    }, sort_keys=False))
    return directory, ports


def _quantity(value: str, units: dict[str, float]) -> float:
    match = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", value)
    assert match, value
    return float(match.group(1)) * units[match.group(2)]


@dataclass
class Cluster:
    """The rendered objects and what runs them: the containers by name, and the front."""

    objects: list[Object]
    run_id: str
    directory: Path
    url: str = ""
    ca: trustme.CA | None = None
    smtp: SmtpInbox = field(default_factory=SmtpInbox)
    started: list[str] = field(default_factory=list)

    def named(self, kind: str, name: str) -> Object:
        (found,) = [
            item for item in of_kind(self.objects, kind) if item["metadata"]["name"] == name
        ]
        return found

    def environment(self, container: Object) -> dict[str, str]:
        """The container's environment as the kubelet builds it: envFrom, then env."""
        env: dict[str, str] = {}
        for source in container.get("envFrom", []):
            env.update(self.named("ConfigMap", source["configMapRef"]["name"])["data"])
        for variable in container.get("env", []):
            if "value" in variable:
                env[variable["name"]] = variable["value"]
                continue
            reference = variable["valueFrom"]["secretKeyRef"]
            data = self.named("Secret", reference["name"])["data"]
            env[variable["name"]] = base64.b64decode(data[reference["key"]]).decode()
        return env

    def container_name(self, workload: str, container: str) -> str:
        return f"smoke-{self.run_id}-{workload}-{container}"

    def volume_name(self, workload: str, volume: Object) -> str:
        # A claim is one volume whichever pod mounts it; an emptyDir is the pod's own.
        if "persistentVolumeClaim" in volume:
            return f"smoke-{self.run_id}-{volume['persistentVolumeClaim']['claimName']}"
        assert "emptyDir" in volume, volume
        return f"smoke-{self.run_id}-{workload}-{volume['name']}"

    def run_arguments(self, workload: Object, container: Object, image: str) -> list[str]:
        """``podman run``'s arguments for one container of a workload, from its fields."""
        name = workload["metadata"]["name"]
        pod = workload["spec"]["template"]["spec"]
        assert container["image"] == image, (name, container["image"])
        context = {**pod.get("securityContext", {}), **container.get("securityContext", {})}
        arguments = [
            "--name", self.container_name(name, container["name"]),
            "--label", f"{LABEL}={self.run_id}",
            "--user", f"{context['runAsUser']}:{context['runAsGroup']}",
        ]
        if pod.get("hostNetwork"):
            arguments += ["--network", "host"]
        if context.get("readOnlyRootFilesystem"):
            # Only what the manifest mounts is writable: no tmpfs of podman's own.
            arguments += ["--read-only", "--read-only-tmpfs=false"]
        if context.get("allowPrivilegeEscalation") is False:
            arguments += ["--security-opt", "no-new-privileges"]
        for capability in context.get("capabilities", {}).get("drop", []):
            arguments += ["--cap-drop", capability]
        limits = container.get("resources", {}).get("limits", {})
        if "memory" in limits:
            memory = _quantity(limits["memory"], {"Mi": 2**20, "Gi": 2**30, "": 1})
            arguments += ["--memory", str(int(memory))]
        if "cpu" in limits:
            arguments += ["--cpus", str(_quantity(limits["cpu"], {"m": 0.001, "": 1}))]
        volumes = {volume["name"]: volume for volume in pod.get("volumes", [])}
        for mount in container.get("volumeMounts", []):
            volume = self.volume_name(name, volumes[mount["name"]])
            # fsGroup: the volume is the pod's user's, whoever made it (podman's U).
            owned = ":U" if "fsGroup" in pod.get("securityContext", {}) else ""
            arguments += ["--volume", f"{volume}:{mount['mountPath']}{owned}"]
        env_file = self.directory / f"{self.container_name(name, container['name'])}.env"
        env_file.write_text(
            "".join(f"{key}={value}\n" for key, value in self.environment(container).items())
        )
        arguments += ["--env-file", str(env_file)]
        if "command" in container:
            arguments += ["--entrypoint", json.dumps(container["command"])]
        return [*arguments, image, *container.get("args", [])]

    def create_volumes(self) -> None:
        for workload in self.workloads():
            name = workload["metadata"]["name"]
            for volume in workload["spec"]["template"]["spec"].get("volumes", []):
                volume_name = self.volume_name(name, volume)
                if podman("volume", "exists", volume_name, check=False).returncode != 0:
                    podman("volume", "create", "--label", f"{LABEL}={self.run_id}", volume_name)

    def workloads(self) -> list[Object]:
        return [item for item in self.objects if item["kind"] in ("Deployment", "Job")]

    def deployments(self, component: str | None = None) -> list[Object]:
        return [
            item
            for item in of_kind(self.objects, "Deployment")
            if component is None
            or item["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"]
            == component
        ]

    def run_to_completion(self, workload: Object, container: Object, image: str) -> None:
        """A Job's container, or an init container: run, and it must exit 0."""
        name = self.container_name(workload["metadata"]["name"], container["name"])
        self.started.append(name)
        result = podman("run", *self.run_arguments(workload, container, image), check=False,
                        timeout=600)
        assert result.returncode == 0, f"{name} exited {result.returncode}:\n{result.stderr}"
        podman("rm", name)
        self.started.remove(name)

    def start(self, workload: Object, image: str) -> None:
        (container,) = workload["spec"]["template"]["spec"]["containers"]
        self.started.append(self.container_name(workload["metadata"]["name"], container["name"]))
        podman("run", "--detach", *self.run_arguments(workload, container, image))

    def running(self, name: str) -> bool:
        state = podman("inspect", "--format", "{{.State.Running}}", name, check=False)
        return state.stdout.strip() == "true"

    def logs(self, name: str) -> str:
        result = podman("logs", name, check=False)
        return result.stdout + result.stderr

    def main_container(self, workload: Object) -> tuple[str, Object]:
        (container,) = workload["spec"]["template"]["spec"]["containers"]
        return self.container_name(workload["metadata"]["name"], container["name"]), container

    def probe(self, workload: Object, kind: str) -> bool:
        """One ``httpGet`` probe of the manifest, as the kubelet makes it (on the pod's
        address: the loopback, on the host's network)."""
        name, container = self.main_container(workload)
        if not self.running(name):
            raise AssertionError(f"{name} stopped:\n{self.logs(name)[-4000:]}")
        action = container[kind]["httpGet"]
        port = action["port"]
        if isinstance(port, str):
            (port,) = [p["containerPort"] for p in container["ports"] if p["name"] == port]
        try:
            answer = httpx.get(f"http://127.0.0.1:{port}{action['path']}",
                               timeout=container[kind].get("timeoutSeconds", 1))
        except httpx.TransportError:
            return False
        return 200 <= answer.status_code < 400

    def wait_ready(self, workload: Object) -> None:
        """The startup probe within its manifest's budget, then the readiness probe; a
        worker or a beat has none: Celery's "ready" line for a worker, running for a beat."""
        name, container = self.main_container(workload)
        if "startupProbe" in container:
            startup = container["startupProbe"]
            budget = startup.get("periodSeconds", 10) * startup.get("failureThreshold", 3)
            wait_until(lambda: self.probe(workload, "startupProbe"), budget,
                       f"{name}'s startup probe")
            wait_until(lambda: self.probe(workload, "readinessProbe"), 120,
                       f"{name}'s readiness probe")
        elif container["args"][0] == "worker":
            self.wait_consuming(name, container["args"][1], 1)
        else:
            assert self.running(name), self.logs(name)

    def wait_consuming(self, name: str, service: str, times: int) -> None:
        def consuming() -> bool:
            if not self.running(name):
                raise AssertionError(f"{name} stopped:\n{self.logs(name)[-4000:]}")
            return len(re.findall(rf"{service}@\S* ready\.", self.logs(name))) >= times

        wait_until(consuming, 180, f"{name} to consume its queues")

    def client(self) -> httpx.Client:
        """A browser trusting the front's certificate."""
        assert self.ca is not None
        context = ssl.create_default_context()
        self.ca.configure_trust(context)
        return httpx.Client(base_url=self.url, verify=context, timeout=60)

    def mails_to(self, address: str) -> list[Any]:
        with self.smtp.lock:
            return [m for m in self.smtp.messages if m["To"] == address]


def _remove_everything(run_id: str) -> None:
    labelled = ["--filter", f"label={LABEL}={run_id}"]
    containers_left = podman("ps", "--all", "--quiet", *labelled, check=False).stdout.split()
    if containers_left:
        podman("rm", "--force", "--time", "0", *containers_left, check=False)
    volumes_left = podman("volume", "ls", "--quiet", *labelled, check=False).stdout.split()
    if volumes_left:
        podman("volume", "rm", "--force", *volumes_left, check=False)


@pytest.fixture(scope="module")
def cluster(
    runnerly_image: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Cluster]:
    postgres, amqp = (os.environ.get(f"RUNNERLY_TEST_{name}_URL") for name in ("POSTGRES",
                                                                               "AMQP"))
    if not postgres or not amqp:
        message = ("set RUNNERLY_TEST_POSTGRES_URL and RUNNERLY_TEST_AMQP_URL "
                   "(scripts/infra.sh start)")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    nginx = require_tool("nginx")
    directory = tmp_path_factory.mktemp("cluster")
    run_id = uuid.uuid4().hex[:8]
    http_port, https_port = _free_ports(2)
    url = f"https://127.0.0.1:{https_port}"
    with contextlib.ExitStack() as stack:
        smtp = SmtpInbox()
        (smtp_port,) = _free_ports(1)
        controller = Controller(smtp, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        stack.callback(controller.stop)
        databases = postgres_databases(postgres, run_id)
        stack.callback(drop_postgres_databases, postgres, databases)
        broker = rabbitmq_vhost(amqp, run_id)
        stack.callback(drop_rabbitmq_vhost, broker)
        secret = {
            **secret_values(),
            **{f"RUNNERLY_{service.upper()}_DATABASE_URL": database_url
               for service, database_url in databases.items()},
            "RUNNERLY_BROKER_URL": broker,
            "RUNNERLY_MAILER_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
        }
        overlay, _ = this_machine_overlay(directory, secret, url)
        cluster = Cluster(_kustomize(overlay), run_id, directory, smtp=smtp)
        # Whatever failed, nothing of the run is left; before the databases go, after the
        # containers' logs are read.
        stack.callback(_remove_everything, run_id)
        failed_before = request.session.testsfailed

        def dump_logs(error: type[BaseException] | None, *_: object) -> bool:
            if error is not None or request.session.testsfailed > failed_before:
                for name in cluster.started:
                    print(f"----- {name} -----\n{cluster.logs(name)[-3000:]}", file=sys.stderr)
            return False

        stack.push(dump_logs)
        with START_LOCK.open("a") as start_lock:
            # One system start at a time on this machine (tests/system.py says why).
            fcntl.flock(start_lock, fcntl.LOCK_EX)
            try:
                cluster.create_volumes()
                (job,) = of_kind(cluster.objects, "Job")
                for container in containers(job["spec"]["template"]["spec"]):
                    cluster.run_to_completion(job, container, runnerly_image)
                deployments = cluster.deployments()

                def initialise(workload: Object) -> None:
                    for init in workload["spec"]["template"]["spec"]["initContainers"]:
                        cluster.run_to_completion(workload, init, runnerly_image)

                # The kubelets of a cluster start every pod at once: so do these.
                with ThreadPoolExecutor(max_workers=4) as pool:
                    list(pool.map(initialise, deployments))
                for workload in deployments:
                    cluster.start(workload, runnerly_image)
                for workload in deployments:
                    cluster.wait_ready(workload)
            finally:
                fcntl.flock(start_lock, fcntl.LOCK_UN)

        dashboard = cluster.named("Deployment", "dashboard")
        (dashboard_port,) = [
            port["containerPort"]
            for port in dashboard["spec"]["template"]["spec"]["containers"][0]["ports"]
            if port["name"] == "http"
        ]
        ca, tls = certificate(directory)
        main = render(directory, {
            "RUNNERLY_PUBLIC_URL": url,
            "RUNNERLY_NGINX_UPSTREAM": f"127.0.0.1:{dashboard_port}",
            "RUNNERLY_NGINX_HTTP_PORT": str(http_port),
            "RUNNERLY_NGINX_HTTPS_PORT": str(https_port),
            **tls,
        })
        checked = nginx_t(main)
        assert checked.returncode == 0, checked.stderr
        front = subprocess.Popen([nginx, "-p", str(directory), "-c", str(main), "-e",
                                  str(directory / "error.log"), "-g", "daemon off;"])

        def stop_front() -> None:
            # SIGQUIT: nginx's graceful stop.
            front.send_signal(signal.SIGQUIT)
            front.wait(timeout=30)

        stack.callback(stop_front)
        cluster.url, cluster.ca = url, ca
        with cluster.client() as probe:

            def answers() -> bool:
                try:
                    return probe.get("/api/health").status_code == 200
                except httpx.TransportError:
                    assert front.poll() is None, (directory / "error.log").read_text()
                    return False

            wait_until(answers, 30, "nginx to answer over https")
        yield cluster
    labelled = ["--quiet", "--filter", f"label={LABEL}={run_id}"]
    left = podman("ps", "--all", *labelled).stdout + podman("volume", "ls", *labelled).stdout
    assert not left.split(), f"containers or volumes left behind: {left}"


def _auth(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def _runner(cluster: Cluster, browser: httpx.Client) -> dict[str, Any]:
    """Signed up, confirmed by the mailed link, logged in: through the front."""
    email = f"runner-{uuid.uuid4().hex[:10]}@example.com"
    signup = browser.post("/api/auth/signup", json={"email": email, "password": PASSWORD})
    assert signup.status_code == 202, signup.text
    mail = wait_until(lambda: next(iter(cluster.mails_to(email)), None), 60,
                      f"the confirmation mail to {email}")
    text = text_of(mail)
    # The link leads to the public URL: the front.
    assert f"{cluster.url}/confirm?token=" in text, text
    match = CONFIRM_LINK.search(text)
    assert match, text
    confirmed = browser.post("/api/auth/confirm", json={"token": match.group(1)})
    assert confirmed.status_code == 200, confirmed.text
    login = browser.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    tokens: dict[str, Any] = {**login.json(), "email": email}
    return tokens


def _runs(browser: httpx.Client, tokens: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        page = browser.get("/api/runs", params=params, headers=_auth(tokens))
        assert page.status_code == 200, page.text
        items.extend(page.json()["items"])
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return items


def test_the_image_exposes_every_port_the_manifests_name(
    runnerly_image: str,
) -> None:
    rendered = _kustomize(K8S / "overlays" / "local")
    named = {
        port["containerPort"]
        for item in rendered
        if item["kind"] in ("Deployment", "Job")
        for container in containers(item["spec"]["template"]["spec"])
        for port in container.get("ports", [])
    }
    config = json.loads(podman("image", "inspect", runnerly_image).stdout)[0]["Config"]
    exposed = {int(port.split("/")[0]) for port in config.get("ExposedPorts", {})}
    assert named <= exposed, sorted(named - exposed)


def test_a_runner_signs_up_imports_a_file_and_gets_a_report_through_the_front(
    cluster: Cluster,
) -> None:
    with cluster.client() as browser:
        tokens = _runner(cluster, browser)
        run = (ACTIVITIES / FIT_RUN).read_bytes()
        [outcome] = import_files(
            browser, [("files", (FIT_RUN, run, "application/octet-stream"))],
            headers=_auth(tokens),
        )
        assert outcome["status"] == "imported", outcome
        [stored] = _runs(browser, tokens)
        assert stored["id"] == outcome["run_id"]
        assert stored["distance_m"] == pytest.approx(9008, rel=0.01)

        me = browser.get("/api/me", headers=_auth(tokens))
        assert me.status_code == 200, me.text
        zone = ZoneInfo(me.json()["profile"]["time_zone"])
        month = datetime.fromisoformat(stored["started_at"]).astimezone(zone).strftime("%Y-%m")
        sent = browser.post(f"/api/reports/{month}/send", headers=_auth(tokens))
        assert sent.status_code == 202, sent.text
        assert sent.json()["content"]["totals"]["runs"] == 1
        pdf = browser.get(f"/api/reports/{month}.pdf", headers=_auth(tokens))
        assert pdf.status_code == 200, pdf.text
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
        # The mailer's worker sends it by the SMTP relay of the Secret.
        wait_until(
            lambda: any(
                part.get_content_type() == "application/pdf"
                for mail in cluster.mails_to(tokens["email"])
                for part in mail.walk()
            ),
            120,
            "the report's mail",
        )
        # The front keeps every metrics port to itself; each of them answers on its own.
        assert browser.get("/metrics").status_code == 404
    for workload in cluster.deployments():
        if workload["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"] in (
            "server", "worker"
        ):
            _, container = cluster.main_container(workload)
            (port,) = [p["containerPort"] for p in container["ports"] if p["name"] == "metrics"]
            metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
            assert metrics.status_code == 200, workload["metadata"]["name"]


def test_a_worker_container_killed_mid_import_loses_no_file_and_stores_each_once(
    cluster: Cluster,
) -> None:
    (worker,) = [
        workload for workload in cluster.deployments("worker")
        if workload["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/name"]
        == "ingest"
    ]
    victim, _ = cluster.main_container(worker)
    with cluster.client() as browser:
        tokens = _runner(cluster, browser)
        files = [("files", (f"run-{day}.gpx", gpx_run(day, 7200), "application/gpx+xml"))
                 for day in range(12)]
        response = browser.post("/api/runs/import", headers=_auth(tokens), files=files)
        assert response.status_code == 202, response.text
        job_id = response.json()["id"]

        def statuses() -> list[str]:
            job = browser.get(f"/api/runs/imports/{job_id}", headers=_auth(tokens))
            assert job.status_code == 200, job.text
            return [entry["status"] for entry in job.json()["files"]]

        at_kill = wait_until(lambda: (now := statuses()) and "imported" in now and now, 180,
                             "the worker to import a first file")
        podman("kill", "--signal", "KILL", victim)
        assert "queued" in at_kill, at_kill  # killed in the middle, not after
        wait_until(lambda: not cluster.running(victim), 30, f"{victim} to stop")
        # As the kubelet restarts a pod's container that died: the same container again.
        podman("start", victim)
        cluster.wait_consuming(victim, "ingest", 2)

        done = wait_until(
            lambda: (now := statuses()) and not {"queued", "parsing"} & set(now) and now,
            300, "every file to have its outcome",
        )
        assert done == ["imported"] * len(files)
        stored = [run["external_id"] for run in _runs(browser, tokens)]
        assert len(stored) == len(set(stored)) == len(files)


def test_a_signing_key_rotated_in_the_cluster_signs_the_next_login_and_every_service_takes_it(
    cluster: Cluster,
) -> None:
    # As docs/deploy.md rotates it: `runnerly keys rotate` run in tokendealer's container.
    (tokendealer,) = [
        workload for workload in cluster.deployments("server")
        if workload["metadata"]["name"] == "tokendealer"
    ]
    container, _ = cluster.main_container(tokendealer)
    with cluster.client() as browser:
        before = _runner(cluster, browser)
        rotated = podman("exec", container, "runnerly", "keys", "rotate")
        kid = rotated.stdout.strip().rsplit(": ", 1)[1]

        login = browser.post(
            "/api/auth/login", json={"email": before["email"], "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        after = {**login.json(), "email": before["email"]}

        assert jwt.get_unverified_header(after["access_token"])["kid"] == kid
        assert jwt.get_unverified_header(before["access_token"])["kid"] != kid
        # The dashboard, the dataservice and tokendealer take the new key and still the old.
        for tokens in (after, before):
            assert _runs(browser, tokens) == []
            me = browser.get("/api/me", headers=_auth(tokens))
            assert me.status_code == 200, me.text
