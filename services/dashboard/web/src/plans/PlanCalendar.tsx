import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { formatDistance, formatDuration, type Units } from "../format/units";
import { currentWeek, formatPaceRange, judgementLabel, openWeeks, percent, phaseName, shortDay, weekDays, workoutDetail, workoutName } from "./format";
import type { PlanWeek, PlanWorkout } from "./queries";

function WorkoutCell({ workout, units }: { workout: PlanWorkout; units: Units }) {
  const { t } = useTranslation();
  return (
    <div className={`workout workout-${workout.kind} workout-${workout.status} judgement-${workout.judgement}`} data-testid="workout">
      <strong>{workoutName(workout.kind)}</strong>
      <span>{formatDistance(workout.distance_m, units, 1)}</span>
      <span className="muted">{formatPaceRange(workout.pace, units)}</span>
      <span className={`workout-status status-${workout.judgement}`}>{judgementLabel(workout.judgement)}</span>
      {workout.runs.map((run) => (
        <span key={run.run_id} className="workout-match">
          {t("plans.calendar.ranIn", { distance: formatDistance(run.distance_m, units, 1), time: formatDuration(run.moving_time_s) })}
        </span>
      ))}
      <details>
        <summary>{t("plans.calendar.details")}</summary>
        <p>{workoutDetail(workout, units)}</p>
      </details>
    </div>
  );
}

function WeekDays({ week, today, units }: { week: PlanWeek; today: string; units: Units }) {
  const { t } = useTranslation();
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
            {workout ? <WorkoutCell workout={workout} units={units} /> : !outside && <span className="muted">{t("plans.calendar.rest")}</span>}
            {run && <span className="workout-match">{t("plans.calendar.ran", { distance: formatDistance(run.distance_m, units, 1) })}</span>}
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
  const { t } = useTranslation();
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
            {t("plans.calendar.today")}
          </button>
        </p>
      )}
      <div className="plan-calendar" role="table" aria-label={t("plans.calendar.label")}>
        {weeks.map((week) => {
          const isOpen = open.has(week.index);
          return (
            <details role="row" key={week.index} open={isOpen} data-testid="plan-week" data-week={week.index}
              className={`plan-week phase-${week.phase} ${week.index === current ? "current" : ""}`}
              ref={(element) => { if (element) rows.current.set(week.index, element); else rows.current.delete(week.index); }}
              onToggle={(event) => toggle(week.index, event.currentTarget.open)}>
              <summary role="rowheader" className="plan-week-head">
                <strong>{t("plans.calendar.week", { number: week.index + 1 })}</strong>
                <span className="muted">
                  {phaseName(week.phase)}
                  {week.cutback ? ` · ${t("plans.calendar.lighter")}` : ""}
                  {week.index === current ? ` · ${t("plans.calendar.thisWeek")}` : ""}
                </span>
                <span>{formatDistance(week.planned_distance_m, units, 0)}</span>
                {week.adherence.workouts_due > 0 && (
                  <span aria-label={t("plans.calendar.adherence", { percent: percent(week.adherence.ratio) })}>
                    {t("plans.calendar.done", { done: week.adherence.workouts_done, due: week.adherence.workouts_due })}
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
