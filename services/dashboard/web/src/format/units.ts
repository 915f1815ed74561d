/** Distances, paces, durations, elevations and dates in the runner's units and time zone,
 * dates in the language shown (`i18n/language.ts`) unless a locale is given. */
import i18n from "../i18n/i18n";
import { currentLocale } from "../i18n/language";

export type Units = "km" | "mi";

export const METERS_PER_MILE = 1609.344;
const FEET_PER_METER = 3.28084;

export function unitLength(units: Units): number {
  return units === "mi" ? METERS_PER_MILE : 1000;
}

/** Distance in the runner's units as a number (for charts). */
export function toDistanceUnits(meters: number, units: Units): number {
  return meters / unitLength(units);
}

// The standard race distances, in their exact metres. A distance typed in miles (26.2) or
// rounded (42.2 km) lands near one; it means that race, not 42,165 m.
const STANDARD_DISTANCES_M = [
  METERS_PER_MILE, 5000, 10000, 15000, 10 * METERS_PER_MILE, 21097.5, 42195, 50000,
  50 * METERS_PER_MILE, 100000, 100 * METERS_PER_MILE,
];
// 3.1 mi is 0.22 % short of 5 km; no two standard distances are this close to each other.
const SNAP_TOLERANCE = 0.005;

/** Metres of a distance typed in the runner's units: a standard race distance exactly,
 * any other to the metre. */
export function distanceFromUnits(value: number, units: Units): number {
  const meters = value * unitLength(units);
  const standard = STANDARD_DISTANCES_M.find((d) => Math.abs(meters - d) <= d * SNAP_TOLERANCE);
  return standard ?? Math.round(meters);
}

export function formatDistance(meters: number | null | undefined, units: Units, digits = 2): string {
  if (meters == null) return "–";
  return `${toDistanceUnits(meters, units).toFixed(digits)} ${units}`;
}

/** "1:02:03" or "25:07". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null) return "–";
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** Time spent over many runs: "12 h 05 min", or "45 min" (in the language shown). A clock
 * ("12:05:00") would read like a time of day; a single run's time keeps the clock form. */
export function formatTimeSpent(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  const hours = Math.floor(minutes / 60);
  return hours > 0
    ? i18n.t("units.hoursMinutes", { hours, minutes: String(minutes % 60).padStart(2, "0") })
    : i18n.t("units.minutes", { minutes });
}

/** Seconds per km or per mile; null when it cannot be known. */
export function paceSeconds(
  meters: number | null | undefined,
  seconds: number | null | undefined,
  units: Units,
): number | null {
  if (!meters || !seconds || meters <= 0) return null;
  return (seconds / meters) * unitLength(units);
}

/** "5:00 /km", "8:03 /mi". */
export function formatPace(
  meters: number | null | undefined,
  seconds: number | null | undefined,
  units: Units,
): string {
  const pace = paceSeconds(meters, seconds, units);
  return pace == null ? "–" : `${formatDuration(pace)} /${units}`;
}

/** Elevation in metres (km runners) or feet (mi runners). */
export function formatElevation(meters: number | null | undefined, units: Units): string {
  if (meters == null) return "–";
  return units === "mi" ? `${Math.round(meters * FEET_PER_METER)} ft` : `${Math.round(meters)} m`;
}

export function toElevationUnits(meters: number, units: Units): number {
  return units === "mi" ? meters * FEET_PER_METER : meters;
}

/** "150 bpm", in the language shown. */
export function formatHeartRate(bpm: number | null | undefined): string {
  return bpm == null ? "–" : i18n.t("units.bpm", { value: Math.round(bpm) });
}

function safeZone(timeZone: string | undefined): string | undefined {
  if (!timeZone) return undefined;
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return timeZone;
  } catch {
    return undefined;
  }
}

/** A date and time in the runner's time zone, e.g. "Thu, 1 Oct 2026, 09:00". */
export function formatDateTime(iso: string | null | undefined, timeZone?: string, locale?: string): string {
  if (!iso) return "–";
  return new Intl.DateTimeFormat(locale ?? currentLocale(), {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: safeZone(timeZone),
  }).format(new Date(iso));
}

/** A calendar date ("2026-10-01", no time zone: a race day) as "Thu, 1 Oct 2026". */
export function formatDay(day: string, locale?: string): string {
  const [y, m, d] = day.split("-").map(Number);
  return new Intl.DateTimeFormat(locale ?? currentLocale(), {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** How far a zone is ahead of UTC at an instant, in minutes. */
function zoneOffsetMinutes(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((asUtc - instant.getTime()) / 60000);
}

/** The instant a calendar day ("2026-10-01") starts in a time zone, as an ISO string. */
export function startOfDayIn(day: string, timeZone: string): string {
  const [y, m, d] = day.split("-").map(Number);
  const naive = Date.UTC(y, m - 1, d);
  const zone = safeZone(timeZone) ?? "UTC";
  let instant = naive - zoneOffsetMinutes(new Date(naive), zone) * 60000;
  // Once more, in case the offset changes between the guess and the answer (DST).
  instant = naive - zoneOffsetMinutes(new Date(instant), zone) * 60000;
  return new Date(instant).toISOString();
}

/** The browser's own zone: the one a new runner most likely lives in. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** The IANA zones the browser knows, for the profile's select. */
export function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const zones = intl.supportedValuesOf?.("timeZone") ?? [];
  return zones.includes("UTC") ? zones : ["UTC", ...zones];
}
