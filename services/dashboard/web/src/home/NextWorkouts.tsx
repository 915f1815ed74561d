import { Link } from "react-router";
import { formatDay, formatDistance, type Units } from "../format/units";
import { formatPaceRange, shortDay, workoutName } from "../plans/format";
import { usePlan, usePlans, type PlanSummary } from "../plans/queries";
import { Card } from "../ui/Card";
import { ErrorState, Loading } from "../ui/States";
import { Trans, useTranslation } from "react-i18next";

/** How many of the plan's next workouts the card lists. */
const SHOWN = 3;

/** The workouts ahead in the plan for the runner's next race, or how to get a plan. */
export function NextWorkouts({ units }: { units: Units }) {
  const plans = usePlans();
  const { t } = useTranslation();
  // Each plan says what day it is on the runner's clock (its time zone).
  const next = (plans.data?.items ?? [])
    .filter((plan) => plan.race_date >= plan.today)
    .sort((a, b) => a.race_date.localeCompare(b.race_date))
    .at(0);
  return (
    <Card title={t("home.workouts.title")} actions={<Link to="/plans">{t("home.workouts.all")}</Link>}>
      {plans.isPending && <Loading label={t("home.workouts.loading")} />}
      {plans.isError && <ErrorState error={plans.error} retry={() => plans.refetch()} />}
      {plans.isSuccess && !next && (
        <p className="muted">
          <Trans i18nKey="home.workouts.none" components={{ create: <Link to="/plans" /> }} />
        </p>
      )}
      {next && <UpcomingWorkouts plan={next} units={units} />}
    </Card>
  );
}

function UpcomingWorkouts({ plan, units }: { plan: PlanSummary; units: Units }) {
  const detail = usePlan(plan.id, units);
  const { t } = useTranslation();
  if (detail.isPending) return <Loading label={t("home.workouts.loading")} />;
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
        <p className="muted">{t("home.workouts.nothingLeft")}</p>
      ) : (
        <ul className="plain-list">
          {ahead.map((workout) => (
            <li key={workout.id} data-testid="next-workout">
              <strong>{workout.date === today ? t("home.workouts.today") : shortDay(workout.date)}</strong>
              {" · "}
              {workoutName(workout.kind)} {formatDistance(workout.distance_m, units, 1)}
              <span className="muted"> · {formatPaceRange(workout.pace, units)}</span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
