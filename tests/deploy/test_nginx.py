"""The nginx front (``deploy/nginx``), rendered as the official nginx image renders its
templates (envsubst, limited to the variables set), checked by ``nginx -t``, then started
for real in front of the real system: a runner's way in over https, and what the front
refuses on the services' behalf.

Every client here connects from an address of its own in 127.0.0.0/8, so the front's limits
per client address, and the services' view of the client behind the proxy, can be seen.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import ssl
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import trustme

from runnerly_dashboard.config import Settings as DashboardSettings
from runnerly_kit.settings import KitSettings

from ..integration.conftest import CONFIRM_LINK, text_of
from ..system import System, free_base_port, gpx_run, import_files, running_system, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("deploy")]

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "nginx" / "templates" / "runnerly.conf.template"
# The variables the template names: the only ones rendered, as the image renders them.
VARIABLES = (
    "RUNNERLY_PUBLIC_URL",
    "RUNNERLY_NGINX_UPSTREAM",
    "RUNNERLY_NGINX_HTTP_PORT",
    "RUNNERLY_NGINX_HTTPS_PORT",
    "RUNNERLY_NGINX_TLS_CERT",
    "RUNNERLY_NGINX_TLS_KEY",
)
HSTS = "max-age=63072000; includeSubDomains"
IMMUTABLE = "public, max-age=31536000, immutable"
PASSWORD = "correct horse battery staple"
MIB = 1024 * 1024
# Each limited door, a request the dashboard answers cheaply (refused input, no account
# touched), and the burst the front allows one address.
LIMITED = {
    "login": ("/api/auth/login", 20),
    "signup": ("/api/auth/signup", 10),
    "password-reset": ("/api/auth/password-reset", 10),
    "password-reset-confirm": ("/api/auth/password-reset/confirm", 10),
    "import": ("/api/runs/import", 20),
}


def _tool(name: str) -> str:
    """The tool's path; without it the test is skipped, except in CI, where it must be."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is required in CI (scripts/infra.sh install)")
        pytest.skip(f"{name} is not installed")
    return path


def render(directory: Path, values: dict[str, str]) -> Path:
    """The site config in ``directory``, wrapped in a main config like the stock one (the
    rendered file in conf.d, included inside http), with every path under ``directory``."""
    conf_d = directory / "conf.d"
    conf_d.mkdir(parents=True, exist_ok=True)
    # As the image's envsubst does with its list of the variables set: those, and only
    # those, are replaced, in either of their forms; nginx's own $variables stay.
    names = "|".join(VARIABLES)
    rendered = re.sub(
        rf"\$(?:\{{({names})\}}|({names})\b)",
        lambda match: values[match.group(1) or match.group(2)],
        TEMPLATE.read_text(),
    )
    (conf_d / "runnerly.conf").write_text(rendered)
    # As root, nginx's workers would drop to nobody, who cannot enter pytest's tmp dirs.
    user = "user root;\n" if os.geteuid() == 0 else ""
    main = directory / "nginx.conf"
    main.write_text(
        f"{user}worker_processes 1;\n"
        f"pid {directory}/nginx.pid;\n"
        f"error_log {directory}/error.log notice;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        "    default_type application/octet-stream;\n"
        f"    access_log {directory}/access.log;\n"
        + "".join(
            f"    {kind}_temp_path {directory}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"    include {conf_d}/*.conf;\n"
        "}\n"
    )
    return main


def nginx_t(main: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_tool("nginx"), "-t", "-p", str(main.parent), "-c", str(main), "-e",
         str(main.parent / "error.log")],
        capture_output=True,
        text=True,
    )


def certificate(directory: Path) -> tuple[trustme.CA, dict[str, str]]:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    chain, key = directory / "tls.crt", directory / "tls.key"
    chain.write_bytes(b"".join(blob.bytes() for blob in cert.cert_chain_pems))
    cert.private_key_pem.write_to_path(str(key))
    return ca, {"RUNNERLY_NGINX_TLS_CERT": str(chain), "RUNNERLY_NGINX_TLS_KEY": str(key)}


def test_the_rendered_template_is_a_valid_nginx_config(tmp_path: Path) -> None:
    _, tls = certificate(tmp_path)
    main = render(
        tmp_path,
        {
            "RUNNERLY_PUBLIC_URL": "https://runnerly.example.org",
            "RUNNERLY_NGINX_UPSTREAM": "127.0.0.1:8000",
            "RUNNERLY_NGINX_HTTP_PORT": str(free_base_port()),
            "RUNNERLY_NGINX_HTTPS_PORT": str(free_base_port()),
            **tls,
        },
    )
    rendered = (tmp_path / "conf.d" / "runnerly.conf").read_text()
    assert "${" not in rendered, "a variable the template names was left unrendered"
    checked = nginx_t(main)
    assert checked.returncode == 0, checked.stderr
    assert "[warn]" not in checked.stderr, checked.stderr


def _body_limits() -> dict[str, int]:
    """client_max_body_size per location ("" for the server's own), in bytes."""
    limits: dict[str, int] = {}
    location = ""
    units = {"": 1, "k": 1024, "m": MIB, "g": 1024 * MIB}
    for line in TEMPLATE.read_text().splitlines():
        if match := re.match(r"\s*location\s+(?:[=^~]+\s+)?(\S+)\s*\{", line):
            location = match.group(1)
        elif re.match(r"\s*}\s*$", line):
            location = ""
        elif match := re.match(r"\s*client_max_body_size\s+(\d+)([kmg]?);", line):
            limits[location] = int(match.group(1)) * units[match.group(2)]
    return limits


def test_the_fronts_body_limits_are_the_services() -> None:
    """The front refuses what the services would, and no less: the default body limit
    everywhere, the import's own on the import path only."""
    kit_default = KitSettings.model_fields["max_body_bytes"].default
    import_default = DashboardSettings.model_fields["import_max_body_bytes"].default
    assert _body_limits() == {"": kit_default, "/api/runs/import": import_default}


@dataclass
class Front:
    system: System
    url: str
    http_url: str
    ca: trustme.CA
    directory: Path

    def client(self, address: str) -> httpx.Client:
        """A browser at ``address`` (127.x.y.z), trusting the front's certificate."""
        context = ssl.create_default_context()
        self.ca.configure_trust(context)
        transport = httpx.HTTPTransport(local_address=address, verify=context)
        return httpx.Client(base_url=self.url, transport=transport, timeout=60)


@pytest.fixture(scope="module")
def front(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Front]:
    nginx = _tool("nginx")
    directory = tmp_path_factory.mktemp("nginx")
    http_port, https_port = free_base_port(), free_base_port()
    url = f"https://127.0.0.1:{https_port}"
    ca, tls = certificate(directory)
    # Defaults for every limit: the client addresses behind the front are what is tested.
    # The dashboard's /metrics on its own port, for a deployment whose proxy keeps the path
    # to itself: the front must.
    settings = {
        "RUNNERLY_TRUSTED_PROXIES": "127.0.0.1",
        "RUNNERLY_PUBLIC_URL": url,
        "RUNNERLY_DASHBOARD_METRICS": "true",
    }
    data_dir = tmp_path_factory.mktemp("runnerly")
    with running_system("embedded", data_dir, extra_env=settings) as system:
        main = render(
            directory,
            {
                "RUNNERLY_PUBLIC_URL": url,
                "RUNNERLY_NGINX_UPSTREAM": system.url.removeprefix("http://"),
                "RUNNERLY_NGINX_HTTP_PORT": str(http_port),
                "RUNNERLY_NGINX_HTTPS_PORT": str(https_port),
                **tls,
            },
        )
        checked = nginx_t(main)
        assert checked.returncode == 0, checked.stderr
        process = subprocess.Popen(
            [nginx, "-p", str(directory), "-c", str(main), "-e", str(directory / "error.log"),
             "-g", "daemon off;"],
        )
        front = Front(system, url, f"http://127.0.0.1:{http_port}", ca, directory)
        try:
            with front.client("127.0.0.1") as probe:

                def answers() -> bool:
                    try:
                        return probe.get("/api/health").status_code == 200
                    except httpx.TransportError:
                        assert process.poll() is None, (directory / "error.log").read_text()
                        return False

                wait_until(answers, 30, "nginx to answer over https")
            yield front
        finally:
            # SIGQUIT: nginx's graceful stop.
            process.send_signal(signal.SIGQUIT)
            process.wait(timeout=30)


def _hsts_once(response: httpx.Response) -> None:
    assert response.headers.get_list("strict-transport-security") == [HSTS], response.headers


def _problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, object] = response.json()
    assert body["status"] == status and body["title"] and body["detail"], body
    _hsts_once(response)
    return body


def _runner(front: Front, browser: httpx.Client) -> str:
    """A confirmed runner's email: signed up and confirmed through the front."""
    email = f"runner-{uuid.uuid4().hex[:10]}@example.com"
    signup = browser.post("/api/auth/signup", json={"email": email, "password": PASSWORD})
    assert signup.status_code == 202, signup.text
    _hsts_once(signup)
    text = text_of(front.system.wait_for_mail(email))
    # The mail leads to the public URL: the front.
    assert f"{front.url}/confirm?token=" in text, text
    match = CONFIRM_LINK.search(text)
    assert match, text
    confirmed = browser.post("/api/auth/confirm", json={"token": match.group(1)})
    assert confirmed.status_code == 200, confirmed.text
    return email


def test_a_runner_signs_up_and_logs_in_over_https(front: Front) -> None:
    with front.client("127.0.10.1") as browser:
        email = _runner(front, browser)
        login = browser.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        _hsts_once(login)
        # The dashboard sees https (its public URL): the session cookie is Secure.
        assert all("secure" in c.lower() for c in login.headers.get_list("set-cookie")), (
            login.headers
        )
        me = browser.get(
            "/api/me", headers={"Authorization": f"Bearer {login.json()['access_token']}"}
        )
        assert me.status_code == 200, me.text
        assert me.json()["account"]["email"] == email
        _hsts_once(me)


@pytest.mark.parametrize("door", sorted(LIMITED))
def test_each_limited_door_answers_429_per_client_address(front: Front, door: str) -> None:
    path, burst = LIMITED[door]
    index = sorted(LIMITED).index(door) + 1
    with front.client(f"127.0.20.{index}") as flooder, front.client(f"127.0.21.{index}") as other:
        answers = [flooder.post(path, json={}) for _ in range(burst + 6)]
        statuses = [answer.status_code for answer in answers]
        # The burst passes to the dashboard, which refuses the empty body itself; past it
        # the front refuses, but for one request let through now and then at the rate.
        assert 429 not in statuses[:burst], statuses
        assert statuses[burst:].count(429) >= 4, statuses
        refused = next(answer for answer in reversed(answers) if answer.status_code == 429)
        body = _problem(refused, 429)
        assert "address" in str(body["detail"])
        assert refused.headers["retry-after"] == "60"
        # Another address is not held by the first one's flood.
        assert other.post(path, json={}).status_code != 429


@pytest.mark.parametrize("path", ["/api/auth/login", "/api/races", "/api/runs/imports/1"])
def test_a_body_over_the_services_limit_is_refused_at_the_front(front: Front, path: str) -> None:
    with front.client("127.0.30.1") as browser:
        too_large = browser.post(
            path, content=b"x" * (MIB + 1), headers={"content-type": "application/json"}
        )
        body = _problem(too_large, 413)
        # nginx's own answer, not a service's: the body never reached the dashboard.
        assert body["detail"] == "The request body is larger than this server accepts."


def test_an_import_of_a_few_megabytes_passes_the_front(front: Front) -> None:
    with front.client("127.0.30.2") as browser:
        email = _runner(front, browser)
        login = browser.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        files = [
            ("files", (f"long-run-{day}.gpx", gpx_run(day, 10_800), "application/gpx+xml"))
            for day in range(3)
        ]
        assert sum(len(file[1][1]) for file in files) > 2 * MIB
        outcomes = import_files(browser, files, headers=headers)
        assert [outcome["status"] for outcome in outcomes] == ["imported"] * 3, outcomes


def test_hashed_assets_are_cached_for_good_and_come_compressed(front: Front) -> None:
    with front.client("127.0.40.1") as browser:
        index = browser.get("/", headers={"accept-encoding": "gzip"})
        assert index.status_code == 200
        assert index.headers.get_list("cache-control") == ["no-cache"]
        _hsts_once(index)
        assets = re.findall(r'(?:src|href)="(/assets/[^"]+\.(?:js|css))"', index.text)
        assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets)
        for asset in assets:
            answer = browser.get(asset, headers={"accept-encoding": "gzip"})
            assert answer.status_code == 200, asset
            assert answer.headers.get_list("cache-control") == [IMMUTABLE], asset
            assert answer.headers["content-encoding"] == "gzip", asset
            assert "accept-encoding" in answer.headers["vary"].lower(), asset
            _hsts_once(answer)


# /metrics as a client may spell it: nginx matches locations on the normalised path (percent
# decoded, slashes merged, dot segments resolved) and the dashboard sees what nginx passes.
METRICS_SPELLINGS = [
    "/metrics", "/metrics?format=text", "/metrics/", "//metrics", "/%6Detrics", "/./metrics",
    "/api/../metrics", "/metrics%2F",
]


@pytest.mark.parametrize("path", METRICS_SPELLINGS)
def test_the_front_keeps_the_dashboards_metrics_to_itself(front: Front, path: str) -> None:
    # Behind the front, the dashboard serves them (RUNNERLY_DASHBOARD_METRICS=true).
    direct = httpx.get(f"{front.system.url}/metrics", timeout=30)
    assert direct.status_code == 200 and "runnerly_http_requests_total" in direct.text
    with front.client("127.0.50.1") as outsider:
        request = outsider.build_request("GET", "/")
        request.url = request.url.copy_with(raw_path=path.encode())
        answer = outsider.send(request)
    assert "runnerly_http_requests_total" not in answer.text
    _problem(answer, 404)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_plain_http_is_sent_to_the_public_url(front: Front, method: str) -> None:
    with httpx.Client(timeout=30) as client:
        answer = client.request(method, f"{front.http_url}/runs/12?tab=map")
    assert answer.status_code == 301
    assert answer.headers["location"] == f"{front.url}/runs/12?tab=map"


def test_the_services_see_each_client_behind_the_front_not_the_front(front: Front) -> None:
    """tokendealer locks an account after five failed logins for one client address: behind
    the front, that is the browser's address, and a client's own X-Forwarded-For is not
    believed."""
    with front.client("127.0.50.1") as owner:
        email = _runner(front, owner)
    wrong = {"email": email, "password": "not the password at all"}
    right = {"email": email, "password": PASSWORD}
    with front.client("127.0.50.2") as guesser, front.client("127.0.50.3") as owner:
        failures = [guesser.post("/api/auth/login", json=wrong).status_code for _ in range(5)]
        assert failures == [401] * 5
        locked = guesser.post("/api/auth/login", json=right)
        assert locked.status_code == 429 and "retry-after" in locked.headers, locked.text
        # Claiming another address does not get the guesser out.
        spoofed = guesser.post(
            "/api/auth/login", json=right, headers={"X-Forwarded-For": "127.0.50.3"}
        )
        assert spoofed.status_code == 429, spoofed.text
        # The owner, at another address, is not locked out by the guesser.
        assert owner.post("/api/auth/login", json=wrong).status_code == 401
        assert owner.post("/api/auth/login", json=right).status_code == 200
