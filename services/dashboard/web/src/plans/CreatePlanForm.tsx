import { useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { distanceFromUnits, formatDay, formatDistance, type Units } from "../format/units";
import { useRaces } from "../races/queries";
import { Field, SelectField } from "../ui/Field";
import { fieldErrors } from "../api/problem";
import { FormError } from "../ui/FormError";
import { parseGoal, weekdayName, WEEKDAYS } from "./format";
import { useCreatePlan, type PlanCreate } from "./queries";

const OWN_RACE = "own";
const FIELDS = ["race_id", "distance_m", "date", "name", "days_per_week", "long_run_day", "goal_time_s", "goal_mode"];

/** Make a plan for a race of the list (preselected when coming from a race) or one of the runner's own. */
export function CreatePlanForm({ units, raceId }: { units: Units; raceId?: number }) {
  const races = useRaces();
  const create = useCreatePlan(units);
  const navigate = useNavigate();
  const { t } = useTranslation();
  const [race, setRace] = useState(raceId ? String(raceId) : OWN_RACE);
  const [own, setOwn] = useState({ name: "", date: "", distance: "" });
  const [days, setDays] = useState("4");
  const [longRunDay, setLongRunDay] = useState<PlanCreate["long_run_day"]>("sunday");
  const [goal, setGoal] = useState("");
  const [goalMode, setGoalMode] = useState<PlanCreate["goal_mode"]>("predicted");
  const [goalUnreadable, setGoalUnreadable] = useState(false);
  const listed = races.data?.pages.flatMap((p) => p.items) ?? [];

  function submit(event: SubmitEvent) {
    event.preventDefault();
    const goalSeconds = parseGoal(goal);
    if (goalSeconds !== null && !Number.isFinite(goalSeconds)) {
      setGoalUnreadable(true);
      return;
    }
    setGoalUnreadable(false);
    const common = { days_per_week: Number(days), long_run_day: longRunDay, goal_time_s: goalSeconds, goal_mode: goalMode };
    let body: PlanCreate;
    if (race === OWN_RACE) {
      const distance = Number.parseFloat(own.distance.replace(",", "."));
      body = {
        ...common,
        // An empty or unreadable distance is sent as 0, so the API's own message says why.
        distance_m: Number.isFinite(distance) ? distanceFromUnits(distance, units) : 0,
        date: own.date,
        name: own.name.trim() || null,
      };
    } else {
      body = { ...common, race_id: Number(race) };
    }
    create.mutate(body, { onSuccess: (plan) => { void navigate(`/plans/${plan.id}`); } });
  }

  const raceOptions = [
    ...listed.map((r) => ({
      value: String(r.id),
      label: `${r.name} · ${formatDay(r.date)} · ${formatDistance(r.distance_m, units, 1)}`,
    })),
    { value: OWN_RACE, label: t("plans.form.ownRace") },
  ];
  if (raceId && !listed.some((r) => r.id === raceId)) raceOptions.unshift({ value: String(raceId), label: t("plans.form.raceNumbered", { id: raceId }) });

  return (
    <form className="form plan-form" onSubmit={submit} noValidate aria-label={t("plans.create")}>
      <SelectField label={t("plans.form.race")} name="race" value={race} onChange={setRace} options={raceOptions} />
      {race === OWN_RACE && (
        <>
          <Field label={t("plans.form.name")} name="name" value={own.name}
            onChange={(e) => setOwn({ ...own, name: e.target.value })} errors={fieldErrors(create.error, "name")} />
          <Field label={t("plans.form.date")} name="date" type="date" value={own.date}
            onChange={(e) => setOwn({ ...own, date: e.target.value })} errors={fieldErrors(create.error, "date")} />
          <Field label={t("plans.form.distance", { units })} name="distance" inputMode="decimal" value={own.distance}
            onChange={(e) => setOwn({ ...own, distance: e.target.value })} errors={fieldErrors(create.error, "distance_m")}
            hint={t("plans.form.distanceHint", { example: units === "km" ? "21.0975" : "13.1" })} />
        </>
      )}
      <SelectField label={t("plans.form.days")} name="days" value={days} onChange={setDays}
        options={["3", "4", "5", "6", "7"].map((d) => ({ value: d, label: d }))} />
      <SelectField label={t("plans.form.longRunDay")} name="long_run_day" value={longRunDay}
        onChange={(v) => setLongRunDay(v as PlanCreate["long_run_day"])}
        options={WEEKDAYS.map((d) => ({ value: d, label: weekdayName(d) }))} />
      <Field label={t("plans.form.goal")} name="goal" value={goal} onChange={(e) => setGoal(e.target.value)}
        hint={t("plans.form.goalHint")}
        errors={goalUnreadable ? [t("plans.form.goalUnreadable")] : fieldErrors(create.error, "goal_time_s")} />
      {goal.trim() !== "" && (
        <SelectField label={t("plans.form.goalMode")} name="goal_mode" value={goalMode}
          onChange={(v) => setGoalMode(v as PlanCreate["goal_mode"])}
          options={[
            { value: "predicted", label: t("plans.form.goalModes.predicted") },
            { value: "keep_goal", label: t("plans.form.goalModes.keep_goal") },
          ]} />
      )}
      <FormError error={create.error} fields={FIELDS} />
      <button className="button" type="submit" disabled={create.isPending}>
        {create.isPending ? t("plans.form.creating") : t("plans.form.submit")}
      </button>
    </form>
  );
}
