import { lazy, Suspense, useState } from "react";
import { usePageName } from "../app/pageName";
import { Trans, useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { isStatus } from "../api/problem";
import { formatDay, formatDistance, formatDuration } from "../format/units";
import { usePreferences } from "../me/queries";
import { Card } from "../ui/Card";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import { NotFound } from "../ui/NotFound";
import { ErrorState, Loading, Status } from "../ui/States";
import { fitnessSource, formatPaceRange, percent, phaseName, remarkText } from "./format";
import { PlanCalendar } from "./PlanCalendar";
import "./plans.css";
import { calendarUrl, useDeletePlan, usePlan, useRegeneratePlan, type Plan } from "./queries";

const VolumeChart = lazy(() => import("./VolumeChart"));
const GOAL_GAP_REMARKS = new Set(["goal_beyond_fitness", "goal_kept_beyond_fitness"]);

function Summary({ plan }: { plan: Plan }) {
  const { units } = usePreferences();
  const regenerate = useRegeneratePlan(plan.id, units);
  const { t } = useTranslation();
  const goalApart = plan.goal_time_s != null && plan.goal_time_s !== plan.target_time_s;
  // The gap the plans service says, either way the runner chose: the other way is offered.
  const goalBeyondFitness = plan.remarks.some((remark) => GOAL_GAP_REMARKS.has(remark.code));
  return (
    <Card title={t("plans.summary.title")}>
      <p>
        <Trans i18nKey={goalApart ? "plans.summary.targetAndGoal" : "plans.summary.target"}
          values={{
            distance: formatDistance(plan.distance_m, units, 1),
            day: formatDay(plan.race_date),
            time: formatDuration(plan.target_time_s),
            goal: formatDuration(plan.goal_time_s),
          }}
          components={{ strong: <strong /> }} />
      </p>
      <p>{t("plans.summary.fitness", { vdot: plan.vdot.toFixed(1), source: fitnessSource(plan.fitness_source) })}</p>
      <p>
        {plan.adherence.workouts_due > 0
          ? t("plans.summary.doneSoFar", {
              done: plan.adherence.workouts_done,
              due: plan.adherence.workouts_due,
              percent: percent(plan.adherence.ratio),
            })
          : plan.start_date > plan.today
            ? t("plans.summary.notDueUntil", { day: formatDay(plan.start_date) })
            : t("plans.summary.notDue")}
      </p>
      {plan.rebuild_reason && (
        <div className="plan-behind" role="alert">
          <p>{t(`plans.summary.rebuild.${plan.rebuild_reason}`)}</p>
          <button type="button" className="button" disabled={regenerate.isPending} onClick={() => regenerate.mutate(undefined)}>
            {regenerate.isPending ? t("plans.summary.regenerating") : t("plans.summary.regenerate")}
          </button>
        </div>
      )}
      {regenerate.isError && <Status tone="error">{regenerate.error.message}</Status>}
      {regenerate.isSuccess && <Status tone="ok">{t("plans.summary.regenerated")}</Status>}
      {plan.remarks.length > 0 && (
        <ul className="plan-remarks" aria-label={t("plans.summary.remarks")}>
          {plan.remarks.map((remark) => (
            <li key={remark.code + remark.text} data-code={remark.code}>{remarkText(remark)}</li>
          ))}
        </ul>
      )}
      {plan.goal_time_s != null && (
        <p className="muted">
          {plan.goal_mode === "keep_goal"
            ? t("plans.summary.goalKept")
            : t("plans.summary.goalPredicted")}
        </p>
      )}
      {goalBeyondFitness && (
        <button type="button" className="button secondary" disabled={regenerate.isPending}
          onClick={() => regenerate.mutate(plan.goal_mode === "keep_goal" ? "predicted" : "keep_goal")}>
          {plan.goal_mode === "keep_goal" ? t("plans.summary.trainPredicted") : t("plans.summary.keepGoal")}
        </button>
      )}
      <h3>{t("plans.summary.phases")}</h3>
      <ol className="plan-phases">
        {plan.phases.map((phase) => (
          <li key={phase.start} className={`phase-${phase.phase}`}>
            <strong>{phaseName(phase.phase)}</strong> · {t("plans.summary.phaseWeeks", { count: phase.weeks, day: formatDay(phase.start) })}
          </li>
        ))}
      </ol>
    </Card>
  );
}

function Predictions({ plan }: { plan: Plan }) {
  const { units } = usePreferences();
  const { t } = useTranslation();
  return (
    <Card title={t("plans.predictions.title")}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t("common.distance")}</th>
            <th scope="col" className="num">VDOT</th>
            <th scope="col" className="num">Riegel</th>
          </tr>
        </thead>
        <tbody>
          {plan.predictions.map((p) => (
            <tr key={p.distance}>
              <td>{t(`efforts.${p.distance}`)}</td>
              <td className="num">{formatDuration(p.vdot_time_s)}</td>
              <td className="num">{formatDuration(p.riegel_time_s)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t("plans.predictions.paces")}</h3>
      <ul className="plan-paces">
        <li>{t("plans.predictions.easy", { pace: formatPaceRange(plan.paces.easy, units) })}</li>
        <li>{t("plans.predictions.marathon", { pace: formatPaceRange(plan.paces.marathon, units) })}</li>
        <li>{t("plans.predictions.threshold", { pace: formatPaceRange(plan.paces.threshold, units) })}</li>
        <li>{t("plans.predictions.interval", { pace: formatPaceRange(plan.paces.interval, units) })}</li>
        <li>{t("plans.predictions.repetition", { pace: formatPaceRange(plan.paces.repetition, units) })}</li>
      </ul>
    </Card>
  );
}

export default function PlanPage() {
  const planId = Number(useParams().planId);
  const { units } = usePreferences();
  const plan = usePlan(planId, units);
  usePageName(plan.data?.race_name);
  const remove = useDeletePlan(planId);
  const navigate = useNavigate();
  const [asking, setAsking] = useState(false);
  const { t } = useTranslation();

  if (plan.isPending) return <Loading label={t("plans.page.loading")} />;
  if (plan.isError && isStatus(plan.error, 404))
    return (
      <NotFound title={t("plans.page.notFound")}>
        <Trans i18nKey="plans.page.notFoundExplain" components={{ plans: <Link to="/plans" /> }} />
      </NotFound>
    );
  if (plan.isError) return <ErrorState error={plan.error} retry={() => plan.refetch()} />;
  const data = plan.data;
  return (
    <div>
      <h1>{data.race_name}</h1>
      <p className="plan-actions">
        <a className="button secondary" href={calendarUrl(data.id, units)} download>
          {t("plans.page.calendarFile")}
        </a>{" "}
        <button type="button" className="button secondary" onClick={() => setAsking(true)}>
          {t("plans.page.delete")}
        </button>
      </p>
      {asking && (
        <ConfirmDialog title={t("plans.page.deleteTitle")} confirmLabel={t("plans.page.deleteYes")} cancelLabel={t("plans.page.deleteKeep")} pending={remove.isPending} error={remove.error}
          onCancel={() => { setAsking(false); remove.reset(); }}
          onConfirm={() => remove.mutate(undefined, { onSuccess: () => { void navigate("/plans"); } })}>
          <p>{t("plans.page.deleteExplain", { name: data.race_name })}</p>
        </ConfirmDialog>
      )}
      <div className="two-columns">
        <Summary plan={data} />
        <Predictions plan={data} />
      </div>
      <Card title={t("plans.page.volume")}>
        <Suspense fallback={<Loading label={t("plans.page.loadingChart")} />}>
          <VolumeChart weeks={data.weeks} units={units} />
        </Suspense>
      </Card>
      <Card title={t("plans.page.calendar")}>
        <PlanCalendar weeks={data.weeks} today={data.today} units={units} />
      </Card>
    </div>
  );
}
