"""The deployments and the monitoring agree: every server and worker that Compose or the
Kubernetes manifests run is scraped exactly once, on the port where its program serves
``/metrics``, and that port is never the one the public front reaches. Both sides are read
as they are shipped (compose.yaml and prometheus.yml; the rendered overlays and the scrape
job, PodMonitor and NetworkPolicies), so a name changed on one side fails here."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from runnerly_kit.topology import SERVICES, WORKERS

from .test_compose import _programs, _services
from .test_k8s import (
    Object,
    config,
    deployments,
    main_container,
    named,
    of_kind,
    rendered,
    selects,
    template_labels,
)

pytestmark = [pytest.mark.xdist_group("deploy")]

__all__ = ["rendered"]

MONITORING = Path(__file__).resolve().parents[2] / "deploy" / "monitoring"
# The namespace the operator's Prometheus runs in (docs/deploy.md): the only one let in.
MONITORING_NAMESPACE = "monitoring"
# The kinds of program that serve /metrics, and the setting that names the port.
SCRAPED = {
    "serve": lambda service: f"RUNNERLY_{service.upper()}_METRICS_PORT",
    "worker": lambda service: "RUNNERLY_WORKER_METRICS_PORT",
}


def _metrics_port(kind: str, service: str, environment: dict[str, Any]) -> int:
    """Where ``runnerly <kind> <service>`` serves /metrics in this environment: its own
    port for a server that is not the dashboard and has no port of its own for them."""
    variable = SCRAPED[kind](service)
    if variable in environment and int(environment[variable]):
        return int(environment[variable])
    assert kind == "serve", f"runnerly worker {service} serves no metrics without {variable}"
    assert service != "dashboard", "the dashboard's public port serves no /metrics"
    return SERVICES[service].default_port


# --- Compose ---------------------------------------------------------------------------


def _compose_scraped() -> dict[str, int]:
    """Each Compose container that serves /metrics, and the port it serves them on."""
    return {
        name: _metrics_port(program["command"][0], program["command"][1], program["environment"])
        for name, program in _programs().items()
        if program["command"][0] in SCRAPED
    }


def _prometheus_targets() -> list[str]:
    loaded = yaml.safe_load((MONITORING / "prometheus.yml").read_text())
    return [
        target
        for job in loaded["scrape_configs"]
        for static in job.get("static_configs", [])
        for target in static["targets"]
    ]


def test_prometheus_scrapes_every_compose_server_and_worker_once_where_it_serves() -> None:
    scraped = _compose_scraped()
    assert sorted(program["command"][1] for program in _programs().values()
                  if program["command"][0] == "worker") == sorted(WORKERS)
    targets = _prometheus_targets()

    assert sorted(targets) == sorted(f"{name}:{port}" for name, port in scraped.items())


def test_the_compose_front_never_reaches_the_dashboards_metrics() -> None:
    dashboard = _services()["dashboard"]
    upstream = _services()["nginx"]["environment"]["RUNNERLY_NGINX_UPSTREAM"]
    assert str(dashboard["environment"].get("RUNNERLY_DASHBOARD_METRICS", "false")) != "true"
    assert upstream == f"dashboard:{SERVICES['dashboard'].default_port}"
    assert _compose_scraped()["dashboard"] != SERVICES["dashboard"].default_port


# --- Kubernetes ------------------------------------------------------------------------


def _scraped_containers(objects: list[Object]) -> dict[str, tuple[dict[str, str], Object]]:
    """Each Deployment that serves /metrics: its pod's labels and its main container."""
    return {
        deployment["metadata"]["name"]: (template_labels(deployment), main_container(deployment))
        for component in ("server", "worker")
        for deployment in deployments(objects, component).values()
    }


def _relabel_keeps(rules: list[dict[str, Any]], meta: dict[str, str]) -> bool:
    """Prometheus's ``keep`` and ``drop`` relabelling of one discovered target."""
    for rule in rules:
        action = rule.get("action", "replace")
        if action not in ("keep", "drop"):
            continue
        value = rule.get("separator", ";").join(meta.get(s, "") for s in rule["source_labels"])
        matched = re.fullmatch(rule.get("regex", "(.*)"), value) is not None
        if matched != (action == "keep"):
            return False
    return True


def _pod_targets(labels: dict[str, str], container: Object) -> list[tuple[str, int]]:
    """What Prometheus's pod discovery sees of one container: one target per port, with
    the meta labels it gives it, kept or not by the shipped scrape job."""
    (job,) = yaml.safe_load((MONITORING / "prometheus-kubernetes.yml").read_text())[
        "scrape_configs"
    ]
    kept = []
    for port in container.get("ports", []):
        meta = {
            f"__meta_kubernetes_pod_label_{re.sub('[^a-zA-Z0-9_]', '_', key)}": value
            for key, value in labels.items()
        }
        meta |= {
            "__meta_kubernetes_namespace": "runnerly",
            "__meta_kubernetes_pod_container_name": container["name"],
            "__meta_kubernetes_pod_container_port_name": port.get("name", ""),
            "__meta_kubernetes_pod_container_port_number": str(port["containerPort"]),
            "__address__": f"10.1.2.3:{port['containerPort']}",
        }
        if _relabel_keeps(job["relabel_configs"], meta):
            kept.append((port.get("name", ""), port["containerPort"]))
    return kept


def _operator_monitors() -> list[Object]:
    return [m for m in yaml.safe_load_all((MONITORING / "servicemonitor.yaml").read_text()) if m]


def _operator_targets(
    objects: list[Object], labels: dict[str, str], container: Object
) -> list[tuple[str, int]]:
    """The ports of one container the Prometheus Operator's monitors scrape: a PodMonitor's
    endpoints by container port name, a ServiceMonitor's through the Services that select
    the pod, by Service port name."""
    found = []
    ports = {port.get("name"): port["containerPort"] for port in container.get("ports", [])}
    for monitor in _operator_monitors():
        spec = monitor["spec"]
        namespaces = spec.get("namespaceSelector", {}).get("matchNames", ["runnerly"])
        if "runnerly" not in namespaces:
            continue
        if monitor["kind"] == "PodMonitor":
            if selects(spec["selector"], labels):
                found += [(e["port"], ports[e["port"]]) for e in spec["podMetricsEndpoints"]
                          if e["port"] in ports]
            continue
        assert monitor["kind"] == "ServiceMonitor", monitor["kind"]
        for service in of_kind(objects, "Service"):
            service_labels = service["metadata"].get("labels", {})
            if not selects(spec["selector"], service_labels):
                continue
            if not selects({"matchLabels": service["spec"]["selector"]}, labels):
                continue
            for endpoint in spec["endpoints"]:
                for port in service["spec"]["ports"]:
                    if port.get("name") == endpoint["port"] and port["targetPort"] in ports:
                        found.append((port["targetPort"], ports[port["targetPort"]]))
    return found


def _k8s_metrics_port(objects: list[Object], container: Object) -> int:
    kind, service = container["args"][0], container["args"][1]
    return _metrics_port(kind, service, config(objects))


def test_every_k8s_server_and_worker_serves_metrics_on_its_named_port(
    rendered: list[Object],
) -> None:
    scraped = _scraped_containers(rendered)
    assert len(scraped) == len(SERVICES) + len(WORKERS)
    for name, (_, container) in scraped.items():
        ports = {port["name"]: port["containerPort"] for port in container["ports"]}
        assert ports.get("metrics") == _k8s_metrics_port(rendered, container), name


@pytest.mark.parametrize("discovery", ["pod annotations", "operator"])
def test_prometheus_scrapes_every_k8s_server_and_worker_once_on_its_metrics_port(
    rendered: list[Object], discovery: str
) -> None:
    for name, (labels, container) in _scraped_containers(rendered).items():
        if discovery == "operator":
            targets = _operator_targets(rendered, labels, container)
        else:
            targets = _pod_targets(labels, container)
        assert targets == [("metrics", _k8s_metrics_port(rendered, container))], name
    # And nothing else of ours: beats and the migrations serve no metrics.
    for item in rendered:
        if item["kind"] in ("Deployment", "Job") and item["metadata"]["name"] not in (
            _scraped_containers(rendered)
        ):
            for container in item["spec"]["template"]["spec"]["containers"]:
                labels = template_labels(item)
                assert _pod_targets(labels, container) == [], item["metadata"]["name"]
                assert _operator_targets(rendered, labels, container) == [], item["metadata"]


def test_the_ingress_never_reaches_the_dashboards_metrics(rendered: list[Object]) -> None:
    dashboard = deployments(rendered, "server")["dashboard"]
    container = main_container(dashboard)
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    assert config(rendered).get("RUNNERLY_DASHBOARD_METRICS", "false") != "true"
    for ingress in of_kind(rendered, "Ingress"):
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                service = named(rendered, "Service", backend["name"])
                (port,) = [p for p in service["spec"]["ports"]
                           if p["name"] == backend["port"]["name"]]
                assert ports[port["targetPort"]] != ports["metrics"], path["path"]


# --- The front's limits ----------------------------------------------------------------

NGINX_TEMPLATE = MONITORING.parent / "nginx" / "templates" / "runnerly.conf.template"
RPM = "nginx.ingress.kubernetes.io/limit-rpm"
BURST_MULTIPLIER = "nginx.ingress.kubernetes.io/limit-burst-multiplier"


def _nginx_limits() -> set[tuple[frozenset[tuple[str, str]], int, int]]:
    """The nginx front's rate limits: each budget (the paths that share one, with their
    match), its requests a minute and its burst."""
    template = NGINX_TEMPLATE.read_text()
    rates = {
        zone: int(rate)
        for zone, rate in re.findall(
            r"limit_req_zone \$binary_remote_addr zone=(\w+):\S+ rate=(\d+)r/m;", template
        )
    }
    budgets: dict[str, tuple[set[tuple[str, str]], int]] = {}
    for match, path, zone, burst in re.findall(
        r"location (=|\^~) (\S+) \{\s*limit_req zone=(\w+) burst=(\d+) nodelay;", template
    ):
        paths, _ = budgets.setdefault(zone, (set(), int(burst)))
        paths.add((path, "Exact" if match == "=" else "Prefix"))
    assert set(budgets) == set(rates), "a zone without its location, or the other way"
    return {(frozenset(paths), rates[zone], burst) for zone, (paths, burst) in budgets.items()}


def _ingress_limits(objects: list[Object]) -> set[tuple[frozenset[tuple[str, str]], int, int]]:
    """The same of the Ingresses: ingress-nginx gives each Ingress one budget, of
    ``limit-rpm`` a minute and a burst of that times ``limit-burst-multiplier`` (5 unless
    set)."""
    limits = set()
    for ingress in of_kind(objects, "Ingress"):
        annotations = ingress["metadata"].get("annotations", {})
        if RPM not in annotations:
            continue
        rpm = int(annotations[RPM])
        paths = frozenset(
            (path["path"], path["pathType"])
            for rule in ingress["spec"]["rules"]
            for path in rule["http"]["paths"]
        )
        limits.add((paths, rpm, rpm * int(annotations.get(BURST_MULTIPLIER, "5"))))
    return limits


def test_the_ingress_and_the_nginx_front_hold_the_same_rate_limits(
    rendered: list[Object],
) -> None:
    assert _nginx_limits(), "no rate limit read from the nginx template"
    assert _ingress_limits(rendered) == _nginx_limits()
