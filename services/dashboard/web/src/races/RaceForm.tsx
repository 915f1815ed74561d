import { useState, type SubmitEvent } from "react";
import { distanceFromUnits, type Units } from "../format/units";
import { Field } from "../ui/Field";
import { fieldErrors } from "../api/problem";
import { FormError } from "../ui/FormError";
import { Status } from "../ui/States";
import { useCreateRace } from "./queries";
import { useTranslation } from "react-i18next";

const EMPTY = { name: "", date: "", distance: "", location: "", url: "" };
const FIELDS = ["name", "date", "distance_m", "location", "url"];

/** Add a race every runner sees; the API's messages show next to their fields. */
export function RaceForm({ units }: { units: Units }) {
  const create = useCreateRace();
  const { t } = useTranslation();
  const [form, setForm] = useState(EMPTY);
  const set = (key: keyof typeof EMPTY) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });

  function submit(event: SubmitEvent) {
    event.preventDefault();
    const distance = Number.parseFloat(form.distance.replace(",", "."));
    create.mutate(
      {
        name: form.name.trim(),
        date: form.date,
        // An empty or unreadable distance is sent as 0, so the API's own message says why.
        distance_m: Number.isFinite(distance) ? distanceFromUnits(distance, units) : 0,
        location: form.location.trim(),
        url: form.url.trim() || null,
      },
      { onSuccess: () => setForm(EMPTY) },
    );
  }

  return (
    <form className="form race-form" onSubmit={submit} noValidate aria-label={t("races.add")}>
      <Field label={t("races.form.name")} name="name" value={form.name} onChange={set("name")} errors={fieldErrors(create.error, "name")} />
      <Field label={t("races.form.date")} name="date" type="date" value={form.date} onChange={set("date")} errors={fieldErrors(create.error, "date")} />
      <Field label={t("races.form.distance", { units })} name="distance" inputMode="decimal" value={form.distance}
        onChange={set("distance")} errors={fieldErrors(create.error, "distance_m")} hint={t("races.form.distanceHint", { example: units === "km" ? "42.195" : "26.2" })} />
      <Field label={t("races.form.location")} name="location" value={form.location} onChange={set("location")}
        errors={fieldErrors(create.error, "location")} />
      <Field label={t("races.form.url")} name="url" type="url" value={form.url} onChange={set("url")}
        errors={fieldErrors(create.error, "url")} />
      <FormError error={create.error} fields={FIELDS} />
      <button className="button" type="submit" disabled={create.isPending}>
        {create.isPending ? t("races.form.adding") : t("races.form.submit")}
      </button>
      {create.isSuccess && <Status tone="ok">{t("races.form.added", { name: create.data.name })}</Status>}
    </form>
  );
}
