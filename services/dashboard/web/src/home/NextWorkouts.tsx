import { Link } from "react-router";
import { formatDay, formatDistance, type Units } from "../format/units";
import { formatPaceRange, KIND_LABELS, shortDay } from "../plans/format";
import { usePlan, usePlans, type PlanSummary } from "../plans/queries";
import { Card } from "../ui/Card";
import { ErrorState, Loading } from "../ui/States";

/** How many of the plan's next workouts the card lists. */
const SHOWN = 3;

/** The workouts ahead in the plan for the runner's next race, or how to get a plan. */
export function NextWorkouts({ units }: { units: Units }) {
  const plans = usePlans();
  // Each plan says what day it is on the runner's clock (its time zone).
  const next = (plans.data?.items ?? [])
    .filter((plan) => plan.race_date >= plan.today)
    .sort((a, b) => a.race_date.localeCompare(b.race_date))
    .at(0);
  return (
    <Card title="Next workouts" actions={<Link to="/plans">All plans</Link>}>
      {plans.isPending && <Loading label="Loading your plan" />}
      {plans.isError && <ErrorState error={plans.error} retry={() => plans.refetch()} />}
      {plans.isSuccess && !next && (
        <p className="muted">
          No plan for a race ahead. <Link to="/plans">Create a plan</Link> and Runnerly plans the weeks before
          your race.
        </p>
      )}
      {next && <UpcomingWorkouts plan={next} units={units} />}
    </Card>
  );
}

function UpcomingWorkouts({ plan, units }: { plan: PlanSummary; units: Units }) {
  const detail = usePlan(plan.id, units);
  if (detail.isPending) return <Loading label="Loading your plan" />;
  if (detail.isError) return <ErrorState error={detail.error} retry={() => detail.refetch()} />;
  const today = detail.data.today;
  const ahead = detail.data.weeks
    .flatMap((week) => week.workouts)
    .filter((workout) => workout.date >= today && workout.status === "planned")
    .slice(0, SHOWN);
  return (
    <>
      <p>
        <Link to={`/plans/${plan.id}`}>{plan.race_name}</Link>
        <span className="muted"> · {formatDay(plan.race_date)}</span>
      </p>
      {ahead.length === 0 ? (
        <p className="muted">Nothing left to run in this plan.</p>
      ) : (
        <ul className="plain-list">
          {ahead.map((workout) => (
            <li key={workout.id} data-testid="next-workout">
              <strong>{workout.date === today ? "Today" : shortDay(workout.date)}</strong>
              {" · "}
              {KIND_LABELS[workout.kind]} {formatDistance(workout.distance_m, units, 1)}
              <span className="muted"> · {formatPaceRange(workout.pace, units)}</span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
