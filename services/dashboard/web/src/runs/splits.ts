import type { Split, Streams } from "../api/types";
import { METERS_PER_MILE } from "../format/units";

type SplitStreams = Pick<Streams, "distance" | "time" | "moving" | "altitude" | "heartrate">;

/** The value of a stream at distance `at`, between samples `i - 1` and `i`. */
function at(values: number[], distance: number[], i: number, where: number): number {
  if (i === 0) return values[0];
  const [d0, d1] = [distance[i - 1], distance[i]];
  const share = d1 > d0 ? (where - d0) / (d1 - d0) : 1;
  return values[i - 1] + (values[i] - values[i - 1]) * share;
}

/** Splits per full mile, then the rest (if at least 1 m), cut from the run's streams the way
 * the per-km splits are cut from its samples: the time and altitude at each boundary by
 * interpolation, moving time over the samples in motion, the mean heart rate of the samples
 * in the mile. The per-km splits come with the run; miles are cut here, from the streams
 * every run keeps, so a run stored before keeps working (the streams hold up to 1,000
 * points, a few seconds of precision a mile). */
export function splitsPerMile(streams: Partial<SplitStreams> | null | undefined): Split[] {
  const distance = streams?.distance;
  const time = streams?.time;
  if (!distance || !time || distance.length < 2 || time.length !== distance.length) return [];
  const total = distance[distance.length - 1];
  const full = Math.floor(total / METERS_PER_MILE);
  const bounds = Array.from({ length: full }, (_, k) => (k + 1) * METERS_PER_MILE);
  if (total - full * METERS_PER_MILE >= 1) bounds.push(total);

  const { moving, altitude, heartrate } = streams;
  const splits: Split[] = [];
  let prevIndex = 0;
  let prevDistance = 0;
  let prevTime = time[0];
  let prevAltitude = altitude ? altitude[0] : null;
  for (const bound of bounds) {
    const last = bound === total;
    let i = prevIndex;
    while (i < distance.length - 1 && distance[i] < bound) i++;
    const boundTime = last ? time[time.length - 1] : at(time, distance, i, bound);
    // Moving time: each step in motion, the one across a boundary shared by distance.
    let movingTime = 0;
    for (let j = Math.max(1, prevIndex); j <= i; j++) {
      if (moving && !moving[j]) continue;
      const from = Math.max(distance[j - 1], prevDistance);
      const to = Math.min(distance[j], bound);
      const step = distance[j] - distance[j - 1];
      const share = step > 0 ? Math.max(0, to - from) / step : 1;
      movingTime += (time[j] - time[j - 1]) * share;
    }
    const boundAltitude = altitude ? (last ? altitude[altitude.length - 1] : at(altitude, distance, i, bound)) : null;
    const inside = heartrate ? heartrate.slice(prevIndex + 1, i + 1) : [];
    const elapsed = Math.max(0, Math.round(boundTime - prevTime));
    splits.push({
      distance_m: bound - prevDistance,
      elapsed_time_s: elapsed,
      moving_time_s: Math.min(elapsed, Math.round(movingTime)),
      elevation_difference_m:
        boundAltitude != null && prevAltitude != null ? Math.round((boundAltitude - prevAltitude) * 10) / 10 : null,
      average_hr: inside.length ? Math.round((inside.reduce((a, b) => a + b, 0) / inside.length) * 10) / 10 : null,
    });
    prevIndex = i;
    prevDistance = bound;
    prevTime = boundTime;
    prevAltitude = boundAltitude;
  }
  return splits;
}
