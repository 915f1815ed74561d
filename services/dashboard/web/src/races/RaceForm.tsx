import { useState, type SubmitEvent } from "react";
import { distanceFromUnits, type Units } from "../format/units";
import { Field } from "../ui/Field";
import { fieldErrors } from "../api/problem";
import { FormError } from "../ui/FormError";
import { Status } from "../ui/States";
import { useCreateRace } from "./queries";

const EMPTY = { name: "", date: "", distance: "", location: "", url: "" };
const FIELDS = ["name", "date", "distance_m", "location", "url"];

/** Add a race every runner sees; the API's messages show next to their fields. */
export function RaceForm({ units }: { units: Units }) {
  const create = useCreateRace();
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
    <form className="form race-form" onSubmit={submit} noValidate aria-label="Add a race">
      <Field label="Name" name="name" value={form.name} onChange={set("name")} errors={fieldErrors(create.error, "name")} />
      <Field label="Date" name="date" type="date" value={form.date} onChange={set("date")} errors={fieldErrors(create.error, "date")} />
      <Field label={`Distance (${units})`} name="distance" inputMode="decimal" value={form.distance}
        onChange={set("distance")} errors={fieldErrors(create.error, "distance_m")} hint={units === "km" ? "e.g. 42.195" : "e.g. 26.2"} />
      <Field label="Location" name="location" value={form.location} onChange={set("location")}
        errors={fieldErrors(create.error, "location")} />
      <Field label="Website (optional)" name="url" type="url" value={form.url} onChange={set("url")}
        errors={fieldErrors(create.error, "url")} />
      <FormError error={create.error} fields={FIELDS} />
      <button className="button" type="submit" disabled={create.isPending}>
        {create.isPending ? "Adding…" : "Add race"}
      </button>
      {create.isSuccess && <Status tone="ok">Added {create.data.name}.</Status>}
    </form>
  );
}
