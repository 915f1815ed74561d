import { useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { startOfDayIn } from "../format/units";
import { currentLocale } from "../i18n/language";
import { usePreferences } from "../me/queries";
import { useRuns, type RunFilters, type RunOrder, type RunSort } from "./queries";
import { RunsList } from "./RunsList";

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

const SORTS: `${RunSort}-${RunOrder}`[] = ["date-desc", "date-asc", "distance-desc", "distance-asc", "pace-asc", "pace-desc"];

/** The months' names in the language shown. */
function monthNames(): string[] {
  const format = new Intl.DateTimeFormat(currentLocale(), { month: "long", timeZone: "UTC" });
  return Array.from({ length: 12 }, (_, index) => format.format(new Date(Date.UTC(2000, index, 1))));
}
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
  const { t } = useTranslation();
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
      <h1>{t("runs.title")}</h1>
      <form className="filters" onSubmit={apply} aria-label={t("runs.filters.label")}>
        <div className="field">
          <label htmlFor="runs-search">{t("runs.filters.search")}</label>
          <input id="runs-search" type="search" maxLength={100} value={draft.q} onChange={(e) => setDraft({ ...draft, q: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="runs-year">{t("runs.filters.year")}</label>
          <select id="runs-year" value={draft.year} onChange={(e) => setDraft({ ...draft, year: e.target.value, month: e.target.value ? draft.month : "" })}>
            <option value="">{t("runs.filters.allYears")}</option>
            {YEARS.map((option) => <option key={option} value={option}>{option}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="runs-month">{t("runs.filters.month")}</label>
          <select id="runs-month" value={draft.month} disabled={!draft.year} onChange={(e) => setDraft({ ...draft, month: e.target.value })}>
            <option value="">{t("runs.filters.allMonths")}</option>
            {monthNames().map((name, index) => <option key={index} value={index + 1}>{name}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="runs-from">{t("runs.filters.from")}</label>
          <input id="runs-from" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="runs-to">{t("runs.filters.to")}</label>
          <input id="runs-to" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </div>
        <button className="button" type="submit">{t("runs.filters.apply")}</button>
        {filtered && (
          <button className="button secondary" type="button" onClick={clear}>{t("runs.filters.clear")}</button>
        )}
        <div className="field">
          <label htmlFor="runs-sort">{t("runs.filters.sort")}</label>
          <select id="runs-sort" value={`${sort}-${order}`} onChange={(e) => changeSort(e.target.value)}>
            {SORTS.map((option) => <option key={option} value={option}>{t(`runs.sort.${option}`)}</option>)}
          </select>
        </div>
      </form>
      <RunsList query={runs} units={units} timeZone={timeZone} filtered={filtered} />
    </div>
  );
}
