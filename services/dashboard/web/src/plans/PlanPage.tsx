import { lazy, Suspense, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { isStatus } from "../api/problem";
import { formatDay, formatDistance, formatDuration } from "../format/units";
import { usePreferences } from "../me/queries";
import { Card } from "../ui/Card";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import { NotFound } from "../ui/NotFound";
import { ErrorState, Loading, Status } from "../ui/States";
import { FITNESS_SOURCES, formatPaceRange, percent } from "./format";
import { PlanCalendar } from "./PlanCalendar";
import "./plans.css";
import { calendarUrl, useDeletePlan, usePlan, useRegeneratePlan, type Plan } from "./queries";

const VolumeChart = lazy(() => import("./VolumeChart"));
const PREDICTED = { "5k": "5 km", "10k": "10 km", half: "Half marathon", marathon: "Marathon" } as const;

function Summary({ plan }: { plan: Plan }) {
  const { units } = usePreferences();
  const regenerate = useRegeneratePlan(plan.id, units);
  return (
    <Card title="Summary">
      <p>
        {formatDistance(plan.distance_m, units, 1)} on {formatDay(plan.race_date)}, aiming at{" "}
        <strong>{formatDuration(plan.target_time_s)}</strong>
        {plan.goal_time_s != null && plan.goal_time_s !== plan.target_time_s && ` (your goal: ${formatDuration(plan.goal_time_s)})`}.
      </p>
      <p>
        Fitness: VDOT {plan.vdot.toFixed(1)}, from {FITNESS_SOURCES[plan.fitness_source] ?? plan.fitness_source}.
      </p>
      <p>
        {plan.adherence.workouts_due > 0
          ? `Done so far: ${plan.adherence.workouts_done} of ${plan.adherence.workouts_due} workouts (${percent(plan.adherence.ratio)}).`
          : plan.start_date > plan.today
            ? `No workout is due yet: the plan starts on ${formatDay(plan.start_date)}.`
            : "No workout is due yet."}
      </p>
      {plan.rebuild_reason && (
        <div className="plan-behind" role="alert">
          <p>
            {plan.rebuild_reason === "behind"
              ? "You have fallen behind the plan. Rebuild the weeks to come from your current fitness?"
              : "A recent run shows you are fitter than the plan assumes. Rebuild the weeks to come at your new paces?"}
          </p>
          <button type="button" className="button" disabled={regenerate.isPending} onClick={() => regenerate.mutate()}>
            {regenerate.isPending ? "Rebuilding…" : "Regenerate the plan"}
          </button>
        </div>
      )}
      {regenerate.isError && <Status tone="error">{regenerate.error.message}</Status>}
      {regenerate.isSuccess && <Status tone="ok">The weeks to come are rebuilt.</Status>}
      {plan.remarks.length > 0 && (
        <ul className="plan-remarks" aria-label="Remarks">
          {plan.remarks.map((remark) => (
            <li key={remark.code + remark.text} data-code={remark.code}>{remark.text}</li>
          ))}
        </ul>
      )}
      {plan.goal_time_s != null && (
        <p className="muted">
          {plan.goal_mode === "keep_goal"
            ? "You chose to keep your goal: race-pace work is at goal pace."
            : "Race-pace work is at the time your fitness predicts; make a new plan keeping your goal to train at goal pace."}
        </p>
      )}
      <h3>Phases</h3>
      <ol className="plan-phases">
        {plan.phases.map((phase) => (
          <li key={phase.start} className={`phase-${phase.phase}`}>
            <strong>{phase.phase}</strong> · {phase.weeks} {phase.weeks === 1 ? "week" : "weeks"} from {formatDay(phase.start)}
          </li>
        ))}
      </ol>
    </Card>
  );
}

function Predictions({ plan }: { plan: Plan }) {
  const { units } = usePreferences();
  return (
    <Card title="Race predictions">
      <table>
        <thead>
          <tr>
            <th scope="col">Distance</th>
            <th scope="col" className="num">VDOT</th>
            <th scope="col" className="num">Riegel</th>
          </tr>
        </thead>
        <tbody>
          {plan.predictions.map((p) => (
            <tr key={p.distance}>
              <td>{PREDICTED[p.distance]}</td>
              <td className="num">{formatDuration(p.vdot_time_s)}</td>
              <td className="num">{formatDuration(p.riegel_time_s)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Training paces</h3>
      <ul className="plan-paces">
        <li>Easy: {formatPaceRange(plan.paces.easy, units)}</li>
        <li>Marathon: {formatPaceRange(plan.paces.marathon, units)}</li>
        <li>Threshold: {formatPaceRange(plan.paces.threshold, units)}</li>
        <li>Interval: {formatPaceRange(plan.paces.interval, units)}</li>
        <li>Repetition: {formatPaceRange(plan.paces.repetition, units)}</li>
      </ul>
    </Card>
  );
}

export default function PlanPage() {
  const planId = Number(useParams().planId);
  const { units } = usePreferences();
  const plan = usePlan(planId, units);
  const remove = useDeletePlan(planId);
  const navigate = useNavigate();
  const [asking, setAsking] = useState(false);

  if (plan.isPending) return <Loading label="Loading the plan…" />;
  if (plan.isError && isStatus(plan.error, 404))
    return <NotFound title="Plan not found">There is no such plan: it was deleted, or the address is wrong. <Link to="/plans">See your plans</Link></NotFound>;
  if (plan.isError) return <ErrorState error={plan.error} retry={() => plan.refetch()} />;
  const data = plan.data;
  return (
    <div>
      <h1>{data.race_name}</h1>
      <p className="plan-actions">
        <a className="button secondary" href={calendarUrl(data.id, units)} download>
          Add to my calendar (.ics)
        </a>{" "}
        <button type="button" className="button secondary" onClick={() => setAsking(true)}>
          Delete plan
        </button>
      </p>
      {asking && (
        <ConfirmDialog title="Delete this plan?" confirmLabel="Yes, delete it" cancelLabel="Keep it" pending={remove.isPending} error={remove.error}
          onCancel={() => { setAsking(false); remove.reset(); }}
          onConfirm={() => remove.mutate(undefined, { onSuccess: () => { void navigate("/plans"); } })}>
          <p>The plan for {data.race_name} and its workouts are deleted. Your runs and the race stay.</p>
        </ConfirmDialog>
      )}
      <div className="two-columns">
        <Summary plan={data} />
        <Predictions plan={data} />
      </div>
      <Card title="Weekly volume">
        <Suspense fallback={<Loading label="Loading the chart…" />}>
          <VolumeChart weeks={data.weeks} units={units} />
        </Suspense>
      </Card>
      <Card title="Calendar">
        <PlanCalendar weeks={data.weeks} today={data.today} units={units} />
      </Card>
    </div>
  );
}
