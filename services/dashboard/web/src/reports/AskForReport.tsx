import { useState, type SubmitEvent } from "react";
import { useNavigate } from "react-router";
import { SelectField } from "../ui/Field";
import { FormError } from "../ui/FormError";
import { endedMonths, monthLabel } from "./content";
import { useSendReport } from "./queries";
import { useTranslation } from "react-i18next";

/** How far back a runner may ask for a report from this page. */
const MONTHS_BACK = 24;

/** Ask for the report of a past month that has none yet: it is built, mailed, and opened. */
export function AskForReport({ built, timeZone, now = new Date() }: { built: string[]; timeZone: string; now?: Date }) {
  const send = useSendReport();
  const navigate = useNavigate();
  const { t } = useTranslation();
  const months = endedMonths(now, timeZone, MONTHS_BACK).filter((m) => !built.includes(m));
  const [chosen, setChosen] = useState<string | null>(null);
  const month = chosen && months.includes(chosen) ? chosen : months[0];

  if (!month) return <p className="muted">{t("reports.ask.allBuilt")}</p>;

  function submit(event: SubmitEvent) {
    event.preventDefault();
    send.mutate(month, { onSuccess: (report) => { void navigate(`/reports/${report.month}`, { state: { sent: true } }); } });
  }

  return (
    <form className="form" onSubmit={submit} aria-label={t("reports.ask.label")}>
      <p className="muted">{t("reports.ask.explain")}</p>
      <SelectField label={t("reports.ask.month")} name="month" value={month} onChange={setChosen}
        options={months.map((m) => ({ value: m, label: monthLabel(m) }))} />
      <FormError error={send.error} />
      <button type="submit" className="button" disabled={send.isPending}>
        {send.isPending ? t("reports.building") : t("reports.build")}
      </button>
    </form>
  );
}
