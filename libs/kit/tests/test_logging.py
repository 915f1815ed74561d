"""Log lines of a process whose threads (and services, in ``runnerly all``) log at once."""

from __future__ import annotations

import json
import logging
import threading

import pytest
import structlog

from runnerly_kit.logging import configure_logging, service_var


@pytest.mark.usefixtures("logging_restored")
def test_lines_of_threads_logging_at_once_stay_whole_and_name_their_service(
    capfd: pytest.CaptureFixture[str],
) -> None:
    configure_logging("runnerly")
    start = threading.Barrier(8)

    def ours(service: str) -> None:
        service_var.set(service)
        start.wait()
        for number in range(300):
            structlog.get_logger().info("test.ours", number=number)

    def theirs(service: str) -> None:
        service_var.set(service)
        start.wait()
        for number in range(300):
            logging.getLogger("library").info("theirs %d", number)

    threads = [
        threading.Thread(target=write, args=(f"service{n}",))
        for n in range(4)
        for write in (ours, theirs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    lines = [line for line in capfd.readouterr().err.splitlines() if line]
    events = [json.loads(line) for line in lines]
    assert len(events) == 8 * 300
    assert {event["service"] for event in events} == {f"service{n}" for n in range(4)}
    # A line without a service of its own says it is the process's.
    structlog.get_logger().info("test.launcher")
    [line] = capfd.readouterr().err.splitlines()
    assert json.loads(line)["service"] == "runnerly"
