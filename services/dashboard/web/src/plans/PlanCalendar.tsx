import { useEffect, useRef, useState } from "react";
import { formatDistance, formatDuration, type Units } from "../format/units";
import { JUDGEMENT_LABELS, KIND_LABELS, currentWeek, formatPaceRange, openWeeks, percent, shortDay, weekDays } from "./format";
import type { PlanWeek, PlanWorkout } from "./queries";

function WorkoutCell({ workout, units }: { workout: PlanWorkout; units: Units }) {
  return (
    <div className={`workout workout-${workout.kind} workout-${workout.status} judgement-${workout.judgement}`} data-testid="workout">
      <strong>{KIND_LABELS[workout.kind]}</strong>
      <span>{formatDistance(workout.distance_m, units, 1)}</span>
      <span className="muted">{formatPaceRange(workout.pace, units)}</span>
      <span className={`workout-status status-${workout.judgement}`}>{JUDGEMENT_LABELS[workout.judgement]}</span>
      {workout.runs.map((run) => (
        <span key={run.run_id} className="workout-match">
          Ran {formatDistance(run.distance_m, units, 1)} in {formatDuration(run.moving_time_s)}
        </span>
      ))}
      <details>
        <summary>Details</summary>
        <p>{workout.description}</p>
      </details>
    </div>
  );
}

function WeekDays({ week, today, units }: { week: PlanWeek; today: string; units: Units }) {
  const byDay = new Map(week.workouts.map((w) => [w.date, w]));
  const unplanned = new Map(week.unplanned_runs.map((r) => [r.date, r]));
  return (
    <div className="plan-days">
      {weekDays(week.start).map((day) => {
        const workout = byDay.get(day);
        const run = unplanned.get(day);
        const outside = day > week.end;
        return (
          <div role="cell" key={day} className={`plan-day ${day === today ? "today" : ""} ${workout ? "" : "rest"}`}
            aria-label={shortDay(day)}>
            <span className="plan-day-date muted">{shortDay(day)}</span>
            {workout ? <WorkoutCell workout={workout} units={units} /> : !outside && <span className="muted">Rest</span>}
            {run && <span className="workout-match">Ran {formatDistance(run.distance_m, units, 1)}</span>}
          </div>
        );
      })}
    </div>
  );
}

/**
 * The plan as a calendar: a row per week, a cell per day, each workout with its target and how it was done.
 * It opens on this week and the next; the weeks before and after are folded, and "Today" unfolds this week
 * again and brings it into view.
 */
export function PlanCalendar({ weeks, today, units }: { weeks: PlanWeek[]; today: string; units: Units }) {
  const [open, setOpen] = useState(() => new Set(openWeeks(weeks, today)));
  const [jump, setJump] = useState(0);
  const rows = useRef(new Map<number, HTMLElement>());
  const current = currentWeek(weeks, today);

  useEffect(() => {
    if (jump === 0 || current === null) return;
    rows.current.get(current)?.scrollIntoView({ block: "start" });
  }, [jump, current]);

  function toggle(index: number, isOpen: boolean) {
    setOpen((before) => {
      if (before.has(index) === isOpen) return before;
      const next = new Set(before);
      if (isOpen) next.add(index);
      else next.delete(index);
      return next;
    });
  }

  return (
    <div>
      {current !== null && (
        <p className="plan-calendar-tools">
          <button type="button" className="button secondary" onClick={() => { toggle(current, true); setJump((n) => n + 1); }}>
            Today
          </button>
        </p>
      )}
      <div className="plan-calendar" role="table" aria-label="Plan calendar">
        {weeks.map((week) => {
          const isOpen = open.has(week.index);
          return (
            <details role="row" key={week.index} open={isOpen} data-testid="plan-week" data-week={week.index}
              className={`plan-week phase-${week.phase} ${week.index === current ? "current" : ""}`}
              ref={(element) => { if (element) rows.current.set(week.index, element); else rows.current.delete(week.index); }}
              onToggle={(event) => toggle(week.index, event.currentTarget.open)}>
              <summary role="rowheader" className="plan-week-head">
                <strong>Week {week.index + 1}</strong>
                <span className="muted">
                  {week.phase}
                  {week.cutback ? " · lighter" : ""}
                  {week.index === current ? " · this week" : ""}
                </span>
                <span>{formatDistance(week.planned_distance_m, units, 0)}</span>
                {week.adherence.workouts_due > 0 && (
                  <span aria-label={`Adherence ${percent(week.adherence.ratio)}`}>
                    {week.adherence.workouts_done}/{week.adherence.workouts_due} done
                  </span>
                )}
              </summary>
              {isOpen && <WeekDays week={week} today={today} units={units} />}
            </details>
          );
        })}
      </div>
    </div>
  );
}
