import { useState, type SubmitEvent } from "react";
import { useNavigate } from "react-router";
import { SelectField } from "../ui/Field";
import { FormError } from "../ui/FormError";
import { endedMonths, monthLabel } from "./content";
import { useSendReport } from "./queries";

/** How far back a runner may ask for a report from this page. */
const MONTHS_BACK = 24;

/** Ask for the report of a past month that has none yet: it is built, mailed, and opened. */
export function AskForReport({ built, timeZone, now = new Date() }: { built: string[]; timeZone: string; now?: Date }) {
  const send = useSendReport();
  const navigate = useNavigate();
  const months = endedMonths(now, timeZone, MONTHS_BACK).filter((m) => !built.includes(m));
  const [chosen, setChosen] = useState<string | null>(null);
  const month = chosen && months.includes(chosen) ? chosen : months[0];

  if (!month) return <p className="muted">Every month of the last two years has its report.</p>;

  function submit(event: SubmitEvent) {
    event.preventDefault();
    send.mutate(month, { onSuccess: (report) => { void navigate(`/reports/${report.month}`, { state: { sent: true } }); } });
  }

  return (
    <form className="form" onSubmit={submit} aria-label="Ask for a past month's report">
      <p className="muted">Missed one? Runnerly builds the report of any past month and mails it to you.</p>
      <SelectField label="Month" name="month" value={month} onChange={setChosen}
        options={months.map((m) => ({ value: m, label: monthLabel(m) }))} />
      <FormError error={send.error} />
      <button type="submit" className="button" disabled={send.isPending}>
        {send.isPending ? "Building the report…" : "Build the report"}
      </button>
    </form>
  );
}
