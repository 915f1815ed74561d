"""deploy/monitoring: the alert rules and the Prometheus configuration pass promtool, every
alert fires when it should and not otherwise (promtool's rule tests), and every metric an
alert or the Grafana dashboard names is one the running system serves."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from runnerly.topology import SERVICES

from ..system import System, wait_until

MONITORING = Path(__file__).resolve().parents[2] / "deploy" / "monitoring"
ALERTS = MONITORING / "alerts.yml"
DASHBOARD = MONITORING / "grafana-dashboard.json"
# Series Prometheus makes itself, not a service.
PROMETHEUS_OWN = {"up", "ALERTS"}
# Counted where tasks run: in the one process of the embedded default, in each worker's
# own /metrics at scale (RUNNERLY_WORKER_METRICS_PORT), which the scale column here does not
# start. Their names are checked on the embedded column, and tests/cli on a worker's port.
WORKER_COUNTED = {
    "runnerly_mails_sent_total",
    "runnerly_mail_send_failures_total",
    "runnerly_mails_undelivered_total",
    "runnerly_tasks_total",
}
# Grafana's own variables, given values so that promtool can parse the expressions.
GRAFANA_VARIABLES = {"$__rate_interval": "5m", "$service": ".*"}


def tool(name: str) -> str:
    """The tool's path; without it, skip, but under CI fail: there it must run."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed (scripts/infra.sh install)")
        pytest.skip(f"{name} is not installed")
    return path


def promtool(*args: str, cwd: Path = MONITORING, stdin: str | None = None) -> str:
    result = subprocess.run(
        [tool("promtool"), *args], cwd=cwd, input=stdin, capture_output=True, text=True,
        timeout=120, check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return output


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads (no functions, labels or keywords)."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    expr = re.sub(r"\{[^}]*\}|\[[^\]]*\]", " ", expr)
    expr = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expr)
    keywords = {"and", "or", "unless", "bool", "offset", "group_left", "group_right", "inf", "nan"}
    names = set()
    for match in re.finditer(r"(?<![\w.$])[A-Za-z_:][A-Za-z0-9_:]*", expr):
        if expr[match.end():].lstrip().startswith("(") or match.group(0).lower() in keywords:
            continue
        names.add(match.group(0))
    return names


def alert_rules() -> list[dict[str, Any]]:
    groups = yaml.safe_load(ALERTS.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def dashboard_exprs() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    return [
        target["expr"]
        for panel in dashboard["panels"]
        for target in panel.get("targets", [])
    ]


def names_used() -> set[str]:
    exprs = [rule["expr"] for rule in alert_rules()] + dashboard_exprs()
    return set().union(*(metric_names(expr) for expr in exprs)) - PROMETHEUS_OWN


def test_the_metric_names_are_read_from_promql() -> None:
    assert metric_names(
        'histogram_quantile(0.99, sum by (service, le) (rate(x_bucket{a="b{c}"}[1m])))'
        " / on (service) group_left y_total > bool 2 and z unless sum without (q) (w offset 5m)"
    ) == {"x_bucket", "y_total", "z", "w"}


def test_the_alert_rules_pass_promtool() -> None:
    assert "SUCCESS" in promtool("check", "rules", "alerts.yml")


def test_every_alert_fires_when_it_should_and_not_otherwise() -> None:
    tests = yaml.safe_load((MONITORING / "alerts.test.yml").read_text())["tests"]
    tested = {case["alertname"] for test in tests for case in test["alert_rule_test"]}
    firing = {
        case["alertname"]
        for test in tests
        for case in test["alert_rule_test"]
        if case.get("exp_alerts")
    }
    alerts = {rule["alert"] for rule in alert_rules()}
    assert tested == firing == alerts  # each alert is seen firing, and seen quiet

    assert "SUCCESS" in promtool("test", "rules", "alerts.test.yml")


def test_every_alert_says_how_bad_what_and_what_to_do() -> None:
    for rule in alert_rules():
        assert rule.get("for") is not None, rule["alert"]
        assert rule["labels"]["severity"] in {"warning", "critical"}, rule["alert"]
        assert {"summary", "description", "runbook"} <= set(rule["annotations"]), rule["alert"]


def test_the_prometheus_configuration_passes_promtool(tmp_path: Path) -> None:
    assert "SUCCESS" in promtool("check", "config", "prometheus.yml")
    # Debian's Prometheus is built without Kubernetes discovery: where promtool does not
    # know it, everything else of the job (its relabelling) is checked on static targets.
    kubernetes = (MONITORING / "prometheus-kubernetes.yml").read_text()
    known = subprocess.run(
        [tool("promtool"), "check", "config", "prometheus-kubernetes.yml"],
        cwd=MONITORING, capture_output=True, text=True, timeout=120, check=False,
    )
    if "field kubernetes_sd_configs not found" in known.stdout + known.stderr:
        static = kubernetes.replace("kubernetes_sd_configs:\n      - role: pod",
                                    "static_configs:\n      - targets: []")
        assert static != kubernetes
        (tmp_path / "prometheus.yml").write_text(static)
        assert "SUCCESS" in promtool("check", "config", "prometheus.yml", cwd=tmp_path)
    else:
        assert known.returncode == 0, known.stdout + known.stderr


def test_the_grafana_dashboard_parses_and_its_queries_are_promql(tmp_path: Path) -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    exprs = dashboard_exprs()
    assert exprs
    for name, value in GRAFANA_VARIABLES.items():
        exprs = [expr.replace(name, value) for expr in exprs]
    rules = {"groups": [{"name": "dashboard", "rules": [
        {"record": f"dashboard:panel{i}", "expr": expr} for i, expr in enumerate(exprs)
    ]}]}
    (tmp_path / "dashboard-rules.yml").write_text(yaml.safe_dump(rules))
    assert "SUCCESS" in promtool("check", "rules", "dashboard-rules.yml", cwd=tmp_path)


def _scrape(url: str) -> str:
    response = httpx.get(f"{url}/metrics", timeout=30)
    assert response.status_code == 200, url
    return response.text


@pytest.mark.integration
@pytest.mark.xdist_group("integration")
def test_every_metric_an_alert_or_the_dashboard_names_is_served(system: System) -> None:
    # A little traffic: a sign-up, its confirmation mail sent by the mailer's worker.
    email = f"metrics-{os.getpid()}-{id(system)}@example.com"
    signup = system.http.post(
        "/api/auth/signup", json={"email": email, "password": "correct horse battery staple"}
    )
    assert signup.status_code in (200, 201, 202), signup.text
    system.wait_for_mail(email)

    def served() -> set[str]:
        names: set[str] = set()
        # The dashboard's public port serves no /metrics; in one process any other port
        # shows the whole process's.
        ports = [system.port(offset) for name, offset in SERVICES.items() if name != "dashboard"]
        if system.monolithic:
            ports = ports[:1]
        for url in ports:
            text = _scrape(url)
            # promtool lints the exposition: names, units, types, help.
            promtool("check", "metrics", stdin=text)
            for family in text_string_to_metric_families(text):
                names.add(family.name)
                names.update(sample.name for sample in family.samples)
        return names

    # Where a worker counts (the scale column), its names are not on the services' ports.
    expected = names_used() - (set() if system.monolithic else WORKER_COUNTED)
    missing: set[str] = set()

    def all_served() -> bool:
        # The mail's relay and task are counted a moment after it is delivered.
        missing.clear()
        missing.update(expected - served())
        return not missing

    try:
        wait_until(all_served, 60, "every metric named to be served")
    except AssertionError as error:
        if "timed out" not in str(error):
            raise
        pytest.fail(f"not served: {sorted(missing)}")
