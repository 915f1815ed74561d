import { useState, type SubmitEvent } from "react";
import type { Profile, Schemas } from "../api/client";
import { timeZones } from "../format/units";
import { Field, SelectField } from "../ui/Field";
import { fieldErrors } from "../api/problem";
import { FormError } from "../ui/FormError";
import { Status } from "../ui/States";
import { readNumber, type NumberField } from "./numbers";
import { useUpdateProfile } from "./queries";
import { useTranslation } from "react-i18next";

const NUMBER_FIELDS: readonly NumberField[] = ["birth_year", "weight_kg", "max_hr", "resting_hr", "vo2max"];

function text(value: number | string | null | undefined): string {
  return value == null ? "" : String(value);
}

export function ProfileForm({ profile }: { profile: Profile }) {
  const update = useUpdateProfile();
  const { t } = useTranslation();
  const [form, setForm] = useState({
    display_name: text(profile.display_name),
    sex: text(profile.sex),
    time_zone: profile.time_zone,
    birth_year: text(profile.birth_year),
    weight_kg: text(profile.weight_kg),
    max_hr: text(profile.max_hr),
    resting_hr: text(profile.resting_hr),
    vo2max: text(profile.vo2max),
  });
  const [invalid, setInvalid] = useState<Partial<Record<NumberField, string>>>({});
  const zones = timeZones();
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const errors = (field: string) => {
    const own = invalid[field as NumberField];
    return own ? [own] : fieldErrors(update.error, field);
  };

  function submit(event: SubmitEvent) {
    event.preventDefault();
    // Only what the runner changed is sent (the API's PATCH leaves the rest alone): a field
    // is cleared only when the runner emptied it, never by a value that failed to read.
    const saved = {
      display_name: text(profile.display_name),
      sex: text(profile.sex),
      time_zone: profile.time_zone,
      ...Object.fromEntries(NUMBER_FIELDS.map((key) => [key, text(profile[key])])),
    } as typeof form;
    const body: Schemas["ProfileUpdate"] = {};
    if (form.display_name.trim() !== saved.display_name) body.display_name = form.display_name.trim() || null;
    if (form.sex !== saved.sex) body.sex = form.sex || null;
    if (form.time_zone !== saved.time_zone) body.time_zone = form.time_zone;
    const problems: Partial<Record<NumberField, string>> = {};
    for (const key of NUMBER_FIELDS) {
      if (form[key].trim() === saved[key]) continue;
      const read = readNumber(key, form[key]);
      if ("error" in read) problems[key] = read.error;
      else body[key] = read.value;
    }
    setInvalid(problems);
    if (Object.keys(problems).length > 0) {
      update.reset();
      return;
    }
    update.mutate(body);
  }

  return (
    <form className="form profile-form" onSubmit={submit} noValidate aria-label={t("settings.profile")}>
      <Field label={t("settings.fields.name")} name="display_name" value={form.display_name} onChange={set("display_name")} errors={errors("display_name")} />
      <SelectField label={t("settings.fields.sex")} name="sex" value={form.sex} onChange={(v) => setForm({ ...form, sex: v })}
        options={[{ value: "", label: t("settings.sex.none") }, { value: "female", label: t("settings.sex.female") }, { value: "male", label: t("settings.sex.male") }, { value: "other", label: t("settings.sex.other") }]} />
      <Field label={t("settings.fields.birthYear")} name="birth_year" inputMode="numeric" value={form.birth_year} onChange={set("birth_year")} errors={errors("birth_year")} />
      <Field label={t("settings.fields.weight")} name="weight_kg" inputMode="decimal" value={form.weight_kg} onChange={set("weight_kg")} errors={errors("weight_kg")} />
      <Field label={t("settings.fields.maxHr")} name="max_hr" inputMode="numeric" value={form.max_hr} onChange={set("max_hr")} errors={errors("max_hr")} />
      <Field label={t("settings.fields.restingHr")} name="resting_hr" inputMode="numeric" value={form.resting_hr} onChange={set("resting_hr")} errors={errors("resting_hr")} />
      <Field label={t("settings.fields.vo2max")} name="vo2max" inputMode="decimal" value={form.vo2max} onChange={set("vo2max")} errors={errors("vo2max")} />
      <SelectField label={t("settings.fields.timeZone")} name="time_zone" value={form.time_zone} onChange={(v) => setForm({ ...form, time_zone: v })}
        options={zones.map((z) => ({ value: z, label: z.replaceAll("_", " ") }))} />
      <FormError error={update.error} fields={["display_name", "sex", "time_zone", ...NUMBER_FIELDS]} />
      <button className="button" type="submit" disabled={update.isPending}>
        {update.isPending ? t("settings.saving") : t("settings.save")}
      </button>
      {update.isSuccess && <Status tone="ok">{t("settings.saved")}</Status>}
    </form>
  );
}
