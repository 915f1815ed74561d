/**
 * A report's figures, as the reports service stores them (its `ReportContent` schema), and
 * how the page words them. Every figure is in SI units; the page shows the profile's units.
 */
import type { Schemas } from "../api/client";
import { currentLocale } from "../i18n/language";
import { formatDistance, formatDuration, unitLength, type Units } from "../format/units";
import i18n from "../i18n/i18n";

// The shapes are the reports service's own, generated from its contract through the
// dashboard's (contracts/dashboard.json).
export type ReportContent = Schemas["ReportContent"];
export type Totals = Schemas["ReportTotals"];
export type Comparison = Schemas["ReportComparison"];
export type RunHighlight = Schemas["ReportRunHighlight"];
export type EffortSet = Schemas["ReportEffortSet"];
export type WeekDistance = Schemas["ReportWeekDistance"];
export type PlanAdherence = Schemas["ReportPlanAdherence"];
export type RaceCountdown = Schemas["ReportRaceCountdown"];
export type PredictionBasis = Schemas["ReportPredictionBasis"];
export type Prediction = Schemas["ReportPrediction"];

/** A best effort's distance in words ("Half marathon"), in the language shown. */
export function effortName(distance: string): string {
  return i18n.exists(`efforts.${distance}`) ? i18n.t(`efforts.${distance}`) : distance;
}

/** Runs shorter than this have no pace worth reporting (the reports service's rule). */
export const FASTEST_PACE_MIN_M = 3000;

function parseDay(day: string): Date {
  const [y, m, d = 1] = day.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

/** "2026-10" as "October 2026". */
export function monthLabel(month: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale ?? currentLocale(), { month: "long", year: "numeric", timeZone: "UTC" }).format(parseDay(month));
}

/** "2026-10-04" as "Sun 4 Oct". */
export function shortDay(day: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale ?? currentLocale(), { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" }).format(
    parseDay(day),
  );
}

export function formatPacePerKm(secondsPerKm: number, units: Units): string {
  return `${formatDuration((secondsPerKm * unitLength(units)) / 1000)} /${units}`;
}

/** "+4.0 km (+21 %)", "−2.5 km", or "no runs then". The percentage is the report's own
 * whole figure, shown as it is: the mail and the PDF show the same one. */
export function formatChange(comparison: Comparison, units: Units): string {
  if (comparison.totals.runs === 0 && comparison.totals.distance_m === 0) return i18n.t("reports.noRunsThen");
  const delta = comparison.distance_change_m;
  const sign = delta < 0 ? "−" : "+";
  let text = `${sign}${formatDistance(Math.abs(delta), units, 1)}`;
  const pct = comparison.distance_change_pct;
  if (pct != null) text += ` (${pct < 0 ? "−" : "+"}${Math.abs(pct)} %)`;
  return text;
}

export function countdown(daysToGo: number): string {
  if (daysToGo === 0) return i18n.t("reports.countdown.today");
  if (daysToGo === 1) return i18n.t("reports.countdown.tomorrow");
  return i18n.t("reports.countdown.days", { count: daysToGo });
}

/** "2026-10" of a date, on the runner's clock. */
export function monthOf(instant: Date, timeZone: string): string {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit" }).formatToParts(instant);
  } catch {
    parts = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", year: "numeric", month: "2-digit" }).formatToParts(instant);
  }
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}`;
}

export function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split("-").map(Number);
  const index = y * 12 + (m - 1) + by;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** The months that have ended on the runner's clock, newest first: the ones a report can be asked for. */
export function endedMonths(now: Date, timeZone: string, count: number): string[] {
  const current = monthOf(now, timeZone);
  return Array.from({ length: count }, (_, i) => shiftMonth(current, -(i + 1)));
}

/** A week of the month as "1–4 Oct" (the weeks never leave the month). */
export function weekRange(week: WeekDistance, locale?: string): string {
  const first = parseDay(week.first_day);
  const last = parseDay(week.last_day);
  const format = new Intl.DateTimeFormat(locale ?? currentLocale(), { day: "numeric", month: "short", timeZone: "UTC" });
  return week.first_day === week.last_day ? format.format(last) : format.formatRange(first, last);
}
