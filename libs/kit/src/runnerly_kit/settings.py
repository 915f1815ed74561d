"""Settings: one pydantic-settings class per service, on this base.

Shared settings are read from unprefixed variables (``RUNNERLY_DATA_DIR``,
``RUNNERLY_ENV``, ...); a service's own settings from ``RUNNERLY_<SERVICE>_*``.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import ClassVar, Literal, Self

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from runnerly_kit.topology import SERVICES

DEV_SECRET = "change-me"  # noqa: S105 - the marker a real deployment must replace


def shared(name: str, **kwargs: object) -> object:
    """A field read from ``RUNNERLY_<NAME>`` whatever the service's prefix."""
    return Field(validation_alias=AliasChoices(f"RUNNERLY_{name}"), **kwargs)  # type: ignore[call-overload]


def peer_url(service: str) -> object:
    """The URL of a peer service, read from ``RUNNERLY_<SERVICE>_URL``; by default where
    the topology puts it on this machine."""
    return shared(f"{service.upper()}_URL", default=SERVICES[service].default_url)


def public_url_setting() -> object:
    """Where runners reach the system (the dashboard), read from ``RUNNERLY_PUBLIC_URL``."""
    return shared("PUBLIC_URL", default=SERVICES["dashboard"].default_url)


def access_log_share(setting: str) -> float:
    """``RUNNERLY_ACCESS_LOG`` as a share: ``all`` 1, ``off`` 0, else the number itself."""
    value = setting.strip().lower()
    if value == "all":
        return 1.0
    if value == "off":
        return 0.0
    try:
        share = float(value)
    except ValueError:
        share = -1.0
    if not 0.0 <= share <= 1.0:
        raise ValueError(
            f"RUNNERLY_ACCESS_LOG: {setting!r} is not 'all', 'off' or a share between 0 and 1 "
            "(e.g. 0.1)"
        )
    return share


class KitSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    service_name: ClassVar[str]
    # Names of fields that hold secrets: in production they must be set, and not to the
    # development marker. A service that calls others names ``client_secret`` among them.
    secret_fields: ClassVar[tuple[str, ...]] = ()

    env: Literal["development", "test", "production"] = shared("ENV", default="development")  # type: ignore[assignment]
    data_dir: Path = shared("DATA_DIR", default=Path("var"))  # type: ignore[assignment]
    log_level: str = shared("LOG_LEVEL", default="INFO")  # type: ignore[assignment]
    # Empty means the embedded default: kombu's SQL transport on a file in the data dir.
    broker_url: str = shared("BROKER_URL", default="")  # type: ignore[assignment]
    tokendealer_url: str = peer_url("tokendealer")  # type: ignore[assignment]
    # Largest request body accepted, in bytes.
    max_body_bytes: int = shared("MAX_BODY_BYTES", default=1_048_576)  # type: ignore[assignment]
    # Outbox relay poll interval, in seconds (commits wake it at once; this catches the rest).
    outbox_poll_seconds: float = shared("OUTBOX_POLL_SECONDS", default=2.0)  # type: ignore[assignment]
    # Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed: addresses or
    # CIDR networks, comma-separated. Empty: none, the peer of the connection is the client.
    trusted_proxies: str = shared("TRUSTED_PROXIES", default="")  # type: ignore[assignment]
    # How long relayed outbox rows are kept, in hours (rows carrying a secret or an address
    # go at once); a relayed row is only needed to recognise a relay repeated soon after.
    outbox_retention_hours: float = shared("OUTBOX_RETENTION_HOURS", default=24.0, ge=0)  # type: ignore[assignment]
    # The longest access-token lifetime, in seconds, that any service accepts (tokendealer
    # issues at most this): a validly signed token claiming more is refused.
    access_token_max_ttl: int = shared("ACCESS_TOKEN_MAX_TTL", default=900, ge=10, le=900)  # type: ignore[assignment]
    # Which answered requests get an access-log line: ``all``, ``off``, or a share between
    # 0 and 1 (``0.1``: one in ten). Errors (4xx, 5xx) are always logged.
    access_log: str = shared("ACCESS_LOG", default="all")  # type: ignore[assignment]

    host: str = "127.0.0.1"
    port: int = 0
    # ``runnerly serve`` also answers /metrics on this port (0: not), on ``host``: a port a
    # scraper reaches and a public front never routes to.
    metrics_port: int = Field(default=0, ge=0, le=65535)
    # Empty means the embedded default: a SQLite file per service in the data dir.
    database_url: str = ""
    # This service's own OAuth2 client, for calls to other services.
    client_id: str = ""
    client_secret: SecretStr = SecretStr("")
    jwt_audience: str = "runnerly"
    jwt_issuer: str = "runnerly-tokendealer"

    @model_validator(mode="after")
    def _fill_defaults(self) -> Self:
        if not self.port:
            known = SERVICES.get(self.service_name)
            self.port = known.default_port if known else 0
        if not self.database_url:
            path = (self.data_dir / f"{self.service_name}.sqlite").resolve()
            self.database_url = f"sqlite:///{path}"
        if not self.broker_url:
            self.broker_url = f"sqla+sqlite:///{(self.data_dir / 'broker.sqlite').resolve()}"
        if not self.client_id:
            self.client_id = self.service_name
        return self

    @model_validator(mode="after")
    def _check_access_log(self) -> Self:
        # Refused at start, not at the first request.
        access_log_share(self.access_log)
        return self

    @model_validator(mode="after")
    def _check_trusted_proxies(self) -> Self:
        for entry in self.trusted_proxy_list:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError as exc:
                # A name would be compared as a literal and never match: refuse it now.
                raise ValueError(
                    f"RUNNERLY_TRUSTED_PROXIES: {entry!r} is not an IP address or a CIDR "
                    "network (e.g. 10.0.0.0/8)"
                ) from exc
        return self

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> Self:
        # Production only: the tests and the contract export build apps in "test" without
        # secrets, and a developer's machine has the development ones.
        if self.env != "production":
            return self
        for name in self.secret_fields:
            value = getattr(self, name)
            raw = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
            if not raw or raw == DEV_SECRET:
                prefix = self.model_config.get("env_prefix", "")
                raise ValueError(
                    f"{prefix}{name.upper()} must be set to a real secret "
                    f"when RUNNERLY_ENV={self.env}"
                )
        return self

    @property
    def access_log_share(self) -> float:
        """The share of successful requests the access log writes a line for."""
        return access_log_share(self.access_log)

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [entry.strip() for entry in self.trusted_proxies.split(",") if entry.strip()]

    def url_of(self, peer: str) -> str:
        """The base URL of ``peer``, as this service's ``<peer>_url`` setting has it."""
        return str(getattr(self, f"{peer}_url"))

    @property
    def token_url(self) -> str:
        return f"{self.tokendealer_url.rstrip('/')}/oauth/token"

    @property
    def jwks_url(self) -> str:
        return f"{self.tokendealer_url.rstrip('/')}/.well-known/jwks.json"

    @property
    def service_dir(self) -> Path:
        """This service's own folder in the data dir (keys, mail, ...)."""
        path = self.data_dir / self.service_name
        path.mkdir(parents=True, exist_ok=True)
        return path
