import { formatDuration, unitLength, type Units } from "../format/units";
import type { PlanWorkout } from "./queries";
import { currentLocale } from "../i18n/language";

export const KIND_LABELS: Record<PlanWorkout["kind"], string> = {
  easy: "Easy",
  long: "Long run",
  tempo: "Tempo",
  intervals: "Intervals",
  recovery: "Recovery",
  race: "Race",
  marathon_pace: "Marathon pace",
  race_pace: "Race pace",
  hills: "Hills",
  strides: "Easy + strides",
};

export const JUDGEMENT_LABELS: Record<PlanWorkout["judgement"], string> = {
  planned: "Planned",
  done: "Done",
  done_off_pace: "Done, off pace",
  partly_done: "Partly done",
  missed: "Missed",
};

/** The weeks that open unfolded: this week and the next (the first two before the plan starts, the last after it ends). */
export function openWeeks(weeks: { index: number; start: string; end: string }[], today: string): number[] {
  if (weeks.length === 0) return [];
  let at = weeks.findIndex((w) => w.start <= today && today <= w.end);
  if (at < 0) at = today < weeks[0].start ? 0 : weeks.length - 1;
  return weeks.slice(at, at + 2).map((w) => w.index);
}

/** The week to jump to with "Today": this week, or the nearest one. */
export function currentWeek(weeks: { index: number; start: string; end: string }[], today: string): number | null {
  return openWeeks(weeks, today)[0] ?? null;
}

export const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;

export const FITNESS_SOURCES: Record<string, string> = {
  best_efforts: "your best efforts of the last 8 weeks",
  runs: "your runs of the last 8 weeks",
  profile: "the VO2max of your profile",
  default: "a conservative default (no recent runs)",
};

/** "4:15–4:20 /km" from seconds per km, in the runner's units. */
export function formatPaceRange(pace: { slow_s_per_km: number; fast_s_per_km: number }, units: Units): string {
  const scale = unitLength(units) / 1000;
  const fast = formatDuration(pace.fast_s_per_km * scale);
  const slow = formatDuration(pace.slow_s_per_km * scale);
  return fast === slow ? `${fast} /${units}` : `${fast}–${slow} /${units}`;
}

/** The days of a week row, Monday first, as ISO dates. */
export function weekDays(start: string): string[] {
  const [y, m, d] = start.split("-").map(Number);
  return Array.from({ length: 7 }, (_, i) => new Date(Date.UTC(y, m - 1, d + i)).toISOString().slice(0, 10));
}

export function shortDay(day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  return new Intl.DateTimeFormat(currentLocale(), { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

export function percent(ratio: number | null | undefined): string {
  return ratio == null ? "–" : `${Math.round(ratio * 100)} %`;
}

/** "3:30:00", "45:00" or "2700" → seconds; null when empty, NaN when unreadable. */
export function parseGoal(text: string): number | null {
  const value = text.trim();
  if (!value) return null;
  const parts = value.split(":").map((p) => Number(p));
  if (parts.length > 3 || parts.some((p) => !Number.isFinite(p) || p < 0)) return Number.NaN;
  return parts.reduce((total, part) => total * 60 + part, 0);
}
