import { useState, type SubmitEvent } from "react";
import { useSearchParams } from "react-router";
import { startOfDayIn } from "../format/units";
import { usePreferences } from "../me/queries";
import { useRuns, type RunFilters, type RunOrder, type RunSort } from "./queries";
import { RunsList } from "./RunsList";

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

const SORTS: { value: `${RunSort}-${RunOrder}`; label: string }[] = [
  { value: "date-desc", label: "Newest first" },
  { value: "date-asc", label: "Oldest first" },
  { value: "distance-desc", label: "Longest first" },
  { value: "distance-asc", label: "Shortest first" },
  { value: "pace-asc", label: "Fastest first" },
  { value: "pace-desc", label: "Slowest first" },
];
const MONTHS = Array.from({ length: 12 }, (_, index) =>
  new Date(Date.UTC(2000, index, 1)).toLocaleString("en", { month: "long", timeZone: "UTC" }),
);
// The years offered: this one and the thirty before it.
const YEARS = Array.from({ length: 31 }, (_, index) => new Date().getFullYear() - index);

function sortOf(params: URLSearchParams): { sort: RunSort; order: RunOrder } {
  const sort = params.get("sort");
  const order = params.get("order") === "asc" ? "asc" : "desc";
  return { sort: sort === "distance" || sort === "pace" ? sort : "date", order };
}

function wholeNumber(value: string | null, low: number, high: number): number | undefined {
  const number = Number(value);
  return value && Number.isInteger(number) && number >= low && number <= high ? number : undefined;
}

export default function RunsPage() {
  const { units, timeZone } = usePreferences();
  const [params, setParams] = useSearchParams();
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  const q = (params.get("q") ?? "").trim().slice(0, 100);
  const year = wholeNumber(params.get("year"), 1900, 2200);
  const month = year === undefined ? undefined : wholeNumber(params.get("month"), 1, 12);
  const { sort, order } = sortOf(params);
  const [draft, setDraft] = useState({
    from, to, q, year: year ? String(year) : "", month: month ? String(month) : "",
  });
  // Days are the runner's days: "to" includes the whole of its day.
  const filters: RunFilters = {
    after: from ? startOfDayIn(from, timeZone) : undefined,
    before: to ? startOfDayIn(nextDay(to), timeZone) : undefined,
    sort: sort === "date" ? undefined : sort,
    order: order === "desc" ? undefined : order,
    year,
    month,
    q: q || undefined,
  };
  const runs = useRuns(filters);

  function withSort(next: URLSearchParams) {
    if (sort !== "date") next.set("sort", sort);
    if (order !== "desc") next.set("order", order);
    return next;
  }

  function apply(event: SubmitEvent) {
    event.preventDefault();
    const next = withSort(new URLSearchParams());
    if (draft.from) next.set("from", draft.from);
    if (draft.to) next.set("to", draft.to);
    if (draft.q.trim()) next.set("q", draft.q.trim());
    if (draft.year) next.set("year", draft.year);
    if (draft.year && draft.month) next.set("month", draft.month);
    setParams(next);
  }

  function changeSort(value: string) {
    const [nextSort, nextOrder] = value.split("-");
    const next = new URLSearchParams(params);
    next.delete("sort");
    next.delete("order");
    if (nextSort !== "date") next.set("sort", nextSort);
    if (nextOrder !== "desc") next.set("order", nextOrder);
    setParams(next);
  }

  function clear() {
    setDraft({ from: "", to: "", q: "", year: "", month: "" });
    setParams(withSort(new URLSearchParams()));
  }

  const filtered = Boolean(from || to || q || year);
  return (
    <div>
      <h1>Runs</h1>
      <form className="filters" onSubmit={apply} aria-label="Filter runs">
        <div className="field">
          <label htmlFor="runs-search">Search names</label>
          <input id="runs-search" type="search" maxLength={100} value={draft.q} onChange={(e) => setDraft({ ...draft, q: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="runs-year">Year</label>
          <select id="runs-year" value={draft.year} onChange={(e) => setDraft({ ...draft, year: e.target.value, month: e.target.value ? draft.month : "" })}>
            <option value="">All years</option>
            {YEARS.map((option) => <option key={option} value={option}>{option}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="runs-month">Month</label>
          <select id="runs-month" value={draft.month} disabled={!draft.year} onChange={(e) => setDraft({ ...draft, month: e.target.value })}>
            <option value="">All months</option>
            {MONTHS.map((name, index) => <option key={name} value={index + 1}>{name}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="runs-from">From</label>
          <input id="runs-from" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="runs-to">To</label>
          <input id="runs-to" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </div>
        <button className="button" type="submit">Filter</button>
        {filtered && (
          <button className="button secondary" type="button" onClick={clear}>Clear</button>
        )}
        <div className="field">
          <label htmlFor="runs-sort">Sort</label>
          <select id="runs-sort" value={`${sort}-${order}`} onChange={(e) => changeSort(e.target.value)}>
            {SORTS.map((option) => <option key={option.value} value={option.value}>{option.label}</option>)}
          </select>
        </div>
      </form>
      <RunsList query={runs} units={units} timeZone={timeZone} filtered={filtered} />
    </div>
  );
}
