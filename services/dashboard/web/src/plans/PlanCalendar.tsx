import { formatDistance, formatDuration, type Units } from "../format/units";
import { KIND_LABELS, formatPaceRange, percent, shortDay, weekDays } from "./format";
import type { PlanWeek, PlanWorkout } from "./queries";

const STATUS_LABELS: Record<PlanWorkout["status"], string> = { planned: "Planned", done: "Done", missed: "Missed" };

function WorkoutCell({ workout, units }: { workout: PlanWorkout; units: Units }) {
  return (
    <div className={`workout workout-${workout.kind} workout-${workout.status}`} data-testid="workout">
      <strong>{KIND_LABELS[workout.kind]}</strong>
      <span>{formatDistance(workout.distance_m, units, 1)}</span>
      <span className="muted">{formatPaceRange(workout.pace, units)}</span>
      <span className={`workout-status status-${workout.status}`}>{STATUS_LABELS[workout.status]}</span>
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

/** The plan as a calendar: a row per week, a cell per day, each workout with its target and its match. */
export function PlanCalendar({ weeks, today, units }: { weeks: PlanWeek[]; today: string; units: Units }) {
  return (
    <div className="plan-calendar" role="table" aria-label="Plan calendar">
      {weeks.map((week) => {
        const byDay = new Map(week.workouts.map((w) => [w.date, w]));
        const unplanned = new Map(week.unplanned_runs.map((r) => [r.date, r]));
        return (
          <div role="row" key={week.index} className={`plan-week phase-${week.phase}`} data-testid="plan-week">
            <div role="rowheader" className="plan-week-head">
              <strong>Week {week.index + 1}</strong>
              <span className="muted">
                {week.phase}
                {week.cutback ? " · lighter" : ""}
              </span>
              <span>{formatDistance(week.planned_distance_m, units, 0)}</span>
              {week.adherence.workouts_due > 0 && (
                <span aria-label={`Adherence ${percent(week.adherence.ratio)}`}>
                  {week.adherence.workouts_done}/{week.adherence.workouts_due} done
                </span>
              )}
            </div>
            {weekDays(week.start).map((day) => {
              const workout = byDay.get(day);
              const run = unplanned.get(day);
              const outside = day > week.end;
              return (
                <div role="cell" key={day} className={`plan-day ${day === today ? "today" : ""}`}
                  aria-label={shortDay(day)}>
                  <span className="plan-day-date muted">{shortDay(day)}</span>
                  {workout ? (
                    <WorkoutCell workout={workout} units={units} />
                  ) : (
                    !outside && <span className="muted">Rest</span>
                  )}
                  {run && <span className="workout-match">Ran {formatDistance(run.distance_m, units, 1)}</span>}
                </div>
              );
            })}
          </div>
        );
      })}
    </div>
  );
}
