import { formatDistance, formatDuration, unitLength, type Units } from "../format/units";
import i18n from "../i18n/i18n";
import { currentLanguage, currentLocale } from "../i18n/language";
import type { Plan, PlanWeek, PlanWorkout } from "./queries";

type Kind = PlanWorkout["kind"];

/** A workout's name ("Long run"), in the language shown. */
export function workoutName(kind: Kind): string {
  return i18n.t(`plans.kind.${kind}`);
}

/** How a workout went ("Done, off pace"), in the language shown. */
export function judgementLabel(judgement: PlanWorkout["judgement"]): string {
  return i18n.t(`plans.judgement.${judgement}`);
}

/** A training phase's name ("build"), in the language shown. */
export function phaseName(phase: PlanWeek["phase"]): string {
  return i18n.t(`plans.phase.${phase}`);
}

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

/** Where a plan's fitness was read from, in the language shown. */
export function fitnessSource(source: string): string {
  return i18n.exists(`plans.fitnessSource.${source}`) ? i18n.t(`plans.fitnessSource.${source}`) : source;
}

/** A weekday of the API ("sunday") in words, in the language shown. */
export function weekdayName(day: (typeof WEEKDAYS)[number]): string {
  return i18n.t(`plans.weekday.${day}`);
}

/** "4:15–4:20 /km" from seconds per km, in the runner's units. */
export function formatPaceRange(pace: { slow_s_per_km: number; fast_s_per_km: number }, units: Units): string {
  const scale = unitLength(units) / 1000;
  const fast = formatDuration(pace.fast_s_per_km * scale);
  const slow = formatDuration(pace.slow_s_per_km * scale);
  return fast === slow ? `${fast} /${units}` : `${fast}–${slow} /${units}`;
}

// The plans service writes a workout's description and a plan's remarks in English, in the
// reader's units (its `units.py`): distances as "3.2 km", paces as "5:30-4:54/km" (slow to
// fast), clocks as "1:45:00". In another language the page words them itself, from the
// workout's kind and fields and the figures read out of those texts; a text of another shape
// (a plan built by an older version) falls back to what its kind or code says.
const DISTANCE = /(\d+(?:\.\d+)?) (km|mi)\b/g;
const PACE = /(\d+:\d{2})(?:-(\d+:\d{2}))?\/(km|mi)/g;
const PACE_ONE = "\\d+:\\d{2}(?:-\\d+:\\d{2})?/(?:km|mi)";
const CLOCK = "\\d+(?::\\d{2}){1,2}";
const NUMBER = "\\d+(?:\\.\\d+)?";
const LENGTH = `${NUMBER} (?:km|mi)`;

/** A pace as the plans service writes it ("5:30-4:54/km") as the page shows one ("4:54–5:30 /km"). */
function paceShown(text: string): string {
  const match = new RegExp(PACE.source).exec(text);
  if (!match) return text;
  const [, slow, fast, units] = match;
  return fast && fast !== slow ? `${fast}–${slow} /${units}` : `${slow} /${units}`;
}

const distancesIn = (text: string) => [...text.matchAll(DISTANCE)].map((m) => m[0]);
const pacesIn = (text: string) => [...text.matchAll(PACE)].map((m) => paceShown(m[0]));

/** What a workout asks for, in the language shown and the runner's units: the plans
 * service's own description in English, worded from its kind and figures otherwise. */
export function workoutDetail(workout: PlanWorkout, units: Units): string {
  if (currentLanguage() === "en") return workout.description;
  const text = workout.description;
  const distance = formatDistance(workout.distance_m, units, 1);
  const pace = formatPaceRange(workout.pace, units);
  const lengths = distancesIn(text);
  const paces = pacesIn(text);
  switch (workout.kind) {
    case "tempo":
    case "marathon_pace":
      if (lengths.length === 3) return i18n.t(`plans.detail.${workout.kind}`, { easy: lengths[0], main: lengths[1], pace: paces[0] ?? pace });
      break;
    case "intervals":
    case "race_pace": {
      const reps = /(\d+) x (\d+) m\b/.exec(text);
      if (reps) return i18n.t(`plans.detail.${workout.kind}`, { reps: reps[1], rep: reps[2], pace: paces[0] ?? pace, distance });
      break;
    }
    case "long":
      if (!text.includes("marathon pace")) return i18n.t("plans.detail.long", { distance, pace });
      if (lengths.length === 3 && paces.length === 2)
        return i18n.t("plans.detail.longMarathonFinish", {
          distance, easy: lengths[1], finish: lengths[2], easyPace: paces[0], marathonPace: paces[1],
        });
      break;
    case "race":
      return i18n.t("plans.detail.race", { distance: lengths[0] ?? distance, time: formatDuration(workout.duration_s), pace: paces[0] ?? pace });
    default:
      return i18n.t(`plans.detail.${workout.kind}`, { distance, pace });
  }
  return i18n.t("plans.detail.other", { name: workoutName(workout.kind), distance, pace, duration: formatDuration(workout.duration_s) });
}

type Remark = Plan["remarks"][number];

/** A plan's distance rule ("half"), as the remarks name it. */
const raceKind = (name: string) => (i18n.exists(`plans.raceKind.${name}`) ? i18n.t(`plans.raceKind.${name}`) : name);

const GOAL_BEYOND = new RegExp(
  `^The goal of (${CLOCK}) is (\\d+ ?%) faster than your current fitness predicts \\((${CLOCK})\\): it asks for a VDOT of (${NUMBER}), ` +
    `you are at (${NUMBER}), and (\\d+) weeks of training (can|may) bring it to about (${NUMBER})`,
);

function goalBeyond(text: string): Record<string, string> | null {
  const m = GOAL_BEYOND.exec(text);
  if (!m) return null;
  const [, goal, gap, predicted, goalVdot, vdot, weeks, can, reachable] = m;
  const chance = i18n.t(can === "can" ? "plans.remark.chanceShort" : "plans.remark.chanceMay", { weeks, vdot: reachable });
  return { goal, gap, predicted, goalVdot, vdot, chance };
}

/** Each remark's figures, read out of the English text the plans service wrote. */
const REMARK_FIGURES: Partial<Record<string, (text: string) => Record<string, string> | null>> = {
  fitness_default: (text) => (text.startsWith("No recent runs") ? {} : null),
  goal_beyond_fitness: goalBeyond,
  goal_kept_beyond_fitness: goalBeyond,
  goal_below_fitness: (text) => {
    const m = new RegExp(`^The goal of (${CLOCK}) is slower than your current fitness predicts \\((${CLOCK})\\)`).exec(text);
    return m && { goal: m[1], predicted: m[2] };
  },
  goal_pace_at_threshold: (text) => {
    const m = new RegExp(`^The goal pace \\((${PACE_ONE})\\) is as fast as your threshold pace \\((${PACE_ONE})\\).* over (${LENGTH}) it is`).exec(text);
    return m && { goalPace: paceShown(m[1]), threshold: paceShown(m[2]), distance: m[3] };
  },
  volume_short: (text) => {
    const m = new RegExp(`reaches (${LENGTH}) before the taper; a (\\w+) plan at your level usually builds to about (${LENGTH})`).exec(text);
    return m && { peak: m[1], race: raceKind(m[2]), wanted: m[3] };
  },
  volume_capped_by_days: (text) => {
    const m = new RegExp(
      `^With (\\d+) days a week and no run longer than the long run \\(at most (${LENGTH})\\), the plan holds your weekly volume at (${LENGTH}) rather than the (${LENGTH})`,
    ).exec(text);
    return m && { days: m[1], longest: m[2], held: m[3], wanted: m[4] };
  },
  long_run_short: (text) => {
    const m = new RegExp(`^The longest run of this plan is (${LENGTH}); a (\\w+) plan should reach at least (${LENGTH}), but (.*)\\. Expect`).exec(text);
    if (!m) return null;
    const hours = /^(\d+(?:\.\d+)?) hours at your easy pace \((\S+)\)/.exec(m[4]);
    const days = /^with (\d+) days a week/.exec(m[4]);
    const why = hours
      ? i18n.t("plans.remark.whyHours", { hours: hours[1], pace: paceShown(hours[2]) })
      : days
        ? i18n.t("plans.remark.whyDays", { days: days[1] })
        : null;
    return why ? { longest: m[1], race: raceKind(m[2]), minimum: m[3], why } : null;
  },
};

/** A plan's remark in the language shown: the plans service's text in English; otherwise
 * worded by its code, with its figures, or said in short when its text has another shape. */
export function remarkText(remark: Remark): string {
  if (currentLanguage() === "en") return remark.text;
  const figures = REMARK_FIGURES[remark.code]?.(remark.text);
  if (figures) return i18n.t(`plans.remark.${remark.code}`, figures);
  return i18n.exists(`plans.remarkGist.${remark.code}`) ? i18n.t(`plans.remarkGist.${remark.code}`) : remark.text;
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
