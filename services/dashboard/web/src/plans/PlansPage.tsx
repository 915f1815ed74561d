import { useTranslation } from "react-i18next";
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
  const { t } = useTranslation();
  return (
    <div>
      <h1>{t("plans.title")}</h1>
      <div className="two-columns">
        <Card title={t("plans.yours")}>
          {plans.isPending && <Loading label={t("plans.loading")} />}
          {plans.isError && <ErrorState error={plans.error} retry={() => plans.refetch()} />}
          {plans.isSuccess && items.length === 0 && (
            <Empty>{t("plans.none")}</Empty>
          )}
          {items.length > 0 && (
            <ul className="plan-list">
              {items.map((plan) => (
                <li key={plan.id} className="plan-item" data-testid="plan">
                  <h3>
                    <Link to={`/plans/${plan.id}`}>{plan.race_name}</Link>
                  </h3>
                  <p className="muted">
                    {t("plans.line", {
                      day: formatDay(plan.race_date),
                      distance: formatDistance(plan.distance_m, units, 1),
                      time: formatDuration(plan.target_time_s),
                    })}
                  </p>
                  <p>
                    {plan.adherence.workouts_due > 0
                      ? t("plans.workoutsDone", {
                          done: plan.adherence.workouts_done,
                          due: plan.adherence.workouts_due,
                          percent: percent(plan.adherence.ratio),
                        })
                      : t("plans.starts", { day: formatDay(plan.start_date) })}
                    {plan.behind && <strong className="status-error"> · {t("plans.behind")}</strong>}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title={t("plans.create")}>
          <CreatePlanForm units={units} raceId={raceId} />
        </Card>
      </div>
    </div>
  );
}
