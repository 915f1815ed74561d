import { useState, type SubmitEvent } from "react";
import { useSearchParams } from "react-router";
import { startOfDayIn } from "../format/units";
import { usePreferences } from "../me/queries";
import { useRuns } from "./queries";
import { RunsList } from "./RunsList";

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

export default function RunsPage() {
  const { units, timeZone } = usePreferences();
  const [params, setParams] = useSearchParams();
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  const [draft, setDraft] = useState({ from, to });
  // Days are the runner's days: "to" includes the whole of its day.
  const filters = {
    after: from ? startOfDayIn(from, timeZone) : undefined,
    before: to ? startOfDayIn(nextDay(to), timeZone) : undefined,
  };
  const runs = useRuns(filters);

  function apply(event: SubmitEvent) {
    event.preventDefault();
    const next = new URLSearchParams();
    if (draft.from) next.set("from", draft.from);
    if (draft.to) next.set("to", draft.to);
    setParams(next);
  }

  function clear() {
    setDraft({ from: "", to: "" });
    setParams(new URLSearchParams());
  }

  return (
    <div>
      <h1>Runs</h1>
      <form className="filters" onSubmit={apply} aria-label="Filter runs by date">
        <div className="field">
          <label htmlFor="runs-from">From</label>
          <input id="runs-from" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="runs-to">To</label>
          <input id="runs-to" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </div>
        <button className="button" type="submit">Filter</button>
        {(from || to) && (
          <button className="button secondary" type="button" onClick={clear}>Clear</button>
        )}
      </form>
      <RunsList query={runs} units={units} timeZone={timeZone} filtered={Boolean(from || to)} />
    </div>
  );
}
