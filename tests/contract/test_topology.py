"""The kit's topology is the one table of who calls whom: every service can be pointed at
each peer the table gives it, by default where the table puts that peer."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from runnerly_kit.topology import SERVICES


def settings_class(service: str) -> Any:
    return importlib.import_module(f"runnerly_{service}.config").Settings


@pytest.mark.parametrize(
    ("service", "peer"),
    [(name, peer) for name, service in SERVICES.items() for peer in service.peers],
)
def test_each_peer_of_the_table_has_a_url_setting_defaulting_to_it(
    service: str, peer: str
) -> None:
    field = settings_class(service).model_fields.get(f"{peer}_url")

    assert field is not None, f"{service} calls {peer} but has no {peer}_url setting"
    assert field.default == SERVICES[peer].default_url
    assert f"RUNNERLY_{peer.upper()}_URL" in field.validation_alias.choices
