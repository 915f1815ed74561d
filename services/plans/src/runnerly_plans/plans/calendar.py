"""A plan as an iCalendar file: one all-day event per workout."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from icalendar import Calendar, Event, vText

from runnerly_kit.text import one_line
from runnerly_plans.models import Plan, Workout
from runnerly_plans.plans import units

KIND_TITLES = {
    "easy": "Easy run",
    "long": "Long run",
    "tempo": "Tempo run",
    "intervals": "Intervals",
    "recovery": "Recovery run",
    "race": "Race",
    "marathon_pace": "Marathon-pace run",
    "race_pace": "Race-pace run",
    "hills": "Hill repeats",
    "strides": "Easy run with strides",
}


def workout_uid(plan_id: int, workout: Workout) -> str:
    """Stable across rebuilds of the plan: a calendar that imported the file again updates
    the day's event instead of adding a second one."""
    return f"runnerly-plan-{plan_id}-{workout.date.isoformat()}@runnerly"


def _text(value: str) -> vText:
    """A TEXT value: iCalendar's own escapes (``\\n``, ``\\;``, ``\\,``) by the library,
    made one line first. A name stored before names were one line could otherwise end a
    content line and start a property of its own, which only an ``assert`` of the library
    (gone under ``python -O``) would stop; an extension property such as X-WR-CALNAME is
    not escaped unless given as ``vText``."""
    return vText(one_line(value))


def plan_calendar(plan: Plan, workouts: Sequence[Workout], in_units: units.Units) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Runnerly//Training plans//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _text(f"Runnerly: {plan.race_name}"))
    for workout in workouts:
        event = Event()
        event.add("uid", workout_uid(plan.id, workout))
        event.add("dtstamp", plan.updated_at)
        event.add("dtstart", workout.date)
        event.add("dtend", workout.date + timedelta(days=1))
        title = KIND_TITLES.get(workout.kind, workout.kind)
        event.add("summary", _text(f"{title}: {units.distance(workout.distance_m, in_units)}"
                                   if workout.kind != "race" else f"Race: {plan.race_name}"))
        event.add("description", _text(units.render(workout.description, in_units)))
        event.add("transp", "TRANSPARENT")  # a workout does not make the day busy
        event.add("categories", [workout.kind])
        calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical
