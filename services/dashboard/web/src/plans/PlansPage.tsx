import { Link, useSearchParams } from "react-router";
import { formatDay, formatDistance, formatDuration } from "../format/units";
import { usePreferences } from "../me/queries";
import { Card } from "../ui/Card";
import { Empty, ErrorState, Loading } from "../ui/States";
import { CreatePlanForm } from "./CreatePlanForm";
import { percent } from "./format";
import "./plans.css";
import { usePlans } from "./queries";

export default function PlansPage() {
  const plans = usePlans();
  const { units } = usePreferences();
  const [params] = useSearchParams();
  const raceId = Number(params.get("race")) || undefined;
  const items = plans.data?.items ?? [];
  return (
    <div>
      <h1>Training plans</h1>
      <div className="two-columns">
        <Card title="Your plans">
          {plans.isPending && <Loading label="Loading plans…" />}
          {plans.isError && <ErrorState error={plans.error} retry={() => plans.refetch()} />}
          {plans.isSuccess && items.length === 0 && (
            <Empty>No plan yet. Pick a race and the days you can run: Runnerly plans every run to race day.</Empty>
          )}
          {items.length > 0 && (
            <ul className="plan-list">
              {items.map((plan) => (
                <li key={plan.id} className="plan-item" data-testid="plan">
                  <h3>
                    <Link to={`/plans/${plan.id}`}>{plan.race_name}</Link>
                  </h3>
                  <p className="muted">
                    {formatDay(plan.race_date)} · {formatDistance(plan.distance_m, units, 1)} · aiming at{" "}
                    {formatDuration(plan.target_time_s)}
                  </p>
                  <p>
                    {plan.adherence.workouts_due > 0
                      ? `${plan.adherence.workouts_done} of ${plan.adherence.workouts_due} workouts done (${percent(plan.adherence.ratio)})`
                      : `Starts ${formatDay(plan.start_date)}`}
                    {plan.behind && <strong className="status-error"> · behind</strong>}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="Create a plan">
          <CreatePlanForm units={units} raceId={raceId} />
        </Card>
      </div>
    </div>
  );
}
