"""Every message between services is a model of ``runnerly_kit.messages``: what a service
builds, sends and subscribes to, read from its code, agrees with what the models declare, so
a message built by hand (a dict, a name repeated as a string) fails here."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from runnerly.contracts import ROOT
from runnerly.topology import SERVICES
from runnerly_kit.messages import MESSAGES, Message
from runnerly_kit.tasks import EVENT_SUBSCRIPTIONS

BY_CLASS: dict[str, type[Message]] = {model.__name__: model for model in MESSAGES.values()}
SENDING = {"emit", "emit_many", "send_task"}


def _modules(service: str, root: Path = ROOT) -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted((root / "services" / service / "src").rglob("*.py")):
        yield path, ast.parse(path.read_text(), str(path))


def _constants(service: str, root: Path = ROOT) -> dict[str, str]:
    """The service's module-level string constants (``MAIL_TASK = "mailer.mail.send"``)."""
    constants = {}
    for _, module in _modules(service, root):
        for node in module.body:
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        constants[target.id] = node.value.value
    return constants


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def built_messages(service: str, root: Path = ROOT) -> set[str]:
    """The names of the message models the service's code constructs."""
    built = set()
    for _, module in _modules(service, root):
        for node in ast.walk(module):
            if isinstance(node, ast.Call) and _name(node.func) in BY_CLASS:
                built.add(BY_CLASS[str(_name(node.func))].name)
    return built


def hand_built(service: str, root: Path = ROOT) -> list[str]:
    """Where the service sends a message that is no model: a dict or a string for an event,
    another service's task by its name."""
    constants = _constants(service, root)
    found = []
    for path, module in _modules(service, root):
        for node in ast.walk(module):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in SENDING:
                continue
            where = f"{path.relative_to(root)}:{node.lineno}"
            for argument in node.args:
                if isinstance(argument, ast.Dict | ast.List) and node.func.attr != "send_task":
                    found.append(f"{where}: {node.func.attr} of a {type(argument).__name__}")
                text = (
                    argument.value
                    if isinstance(argument, ast.Constant)
                    else constants.get(_name(argument) or "")
                )
                if isinstance(text, str) and not text.startswith(f"{service}."):
                    found.append(f"{where}: {node.func.attr} of {text!r} by name")
    return found


@pytest.mark.parametrize("service", list(SERVICES))
def test_a_service_sends_no_message_built_by_hand(service: str) -> None:
    assert hand_built(service) == []


@pytest.mark.parametrize("service", list(SERVICES))
def test_what_a_service_builds_is_what_its_models_say_it_emits(service: str) -> None:
    declared = {name for name, model in MESSAGES.items() if service in model.emitted_by}

    assert built_messages(service) == declared


@pytest.mark.parametrize("service", list(EVENT_SUBSCRIPTIONS))
def test_every_event_a_service_subscribes_to_is_a_model_it_consumes(service: str) -> None:
    subscribed = set(EVENT_SUBSCRIPTIONS[service])
    declared = {
        name for name, model in MESSAGES.items()
        if model.kind == "event" and service in model.consumed_by
    }

    assert subscribed <= set(MESSAGES), f"{service} subscribes to events no model defines"
    assert subscribed == declared


def test_every_command_runs_where_its_consumer_registers_it() -> None:
    for name, model in MESSAGES.items():
        if model.kind != "task":
            continue
        (consumer,) = model.consumed_by
        registered = [
            node for _, module in _modules(consumer) for node in ast.walk(module)
            if isinstance(node, ast.keyword) and node.arg == "name"
            and isinstance(node.value, ast.Attribute) and node.value.attr == "name"
            and _name(node.value.value) == model.__name__
        ]
        assert registered, f"{consumer} registers no task named {model.__name__}.name ({name})"
