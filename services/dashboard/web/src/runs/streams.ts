import type { Streams } from "../api/types";
import { toDistanceUnits, toElevationUnits, unitLength, type Units } from "../format/units";

export interface StreamSeries {
  /** Distance along the run, in the runner's units. */
  distance: number[];
  /** Seconds per km or mile, smoothed, pauses bridged (``smoothPace``). */
  pace: (number | null)[] | null;
  heartrate: number[] | null;
  /** Metres or feet. */
  elevation: number[] | null;
}

/** The series the charts read of a run's streams. */
type ChartedStreams = Pick<Streams, "distance" | "time" | "velocity_smooth" | "heartrate" | "altitude">;

// Slower than this is walking or standing: a pause, left out of the pace.
const SLOWEST_PACE_S_PER_KM = 20 * 60;
// The pace at a point is the pace over the 200 m around it (wider when the points are
// sparse): GPS noise between two points does not make the line zigzag.
const HALF_WINDOW_M = 100;

/** The pace (seconds per km or mile) at each point of the run, over a rolling window of
 * distance. Pauses (standing at a crossing) and missing points (a GPS gap) are bridged:
 * time stood still counts for no pace, so the line goes on at the pace around it rather
 * than spiking, dropping to zero or breaking. Null only when the run never moved. */
export function smoothPace(
  streams: Pick<Streams, "distance" | "time" | "velocity_smooth">,
  units: Units,
): (number | null)[] {
  const distance = streams.distance ?? [];
  const { time, velocity_smooth: velocity } = streams;
  const slowestSpeed = 1000 / SLOWEST_PACE_S_PER_KM;
  // The moving stretches between points: their middle, length and time.
  const middles: number[] = [];
  const sumMetres = [0];
  const sumSeconds = [0];
  for (let i = 1; i < distance.length; i++) {
    const metres = distance[i] - distance[i - 1];
    let seconds: number | null = null;
    if (time) seconds = time[i] - time[i - 1];
    else if (velocity && velocity[i] > 0) seconds = metres / velocity[i];
    if (!(metres > 0) || seconds === null || !(seconds > 0) || metres / seconds < slowestSpeed) continue;
    middles.push((distance[i] + distance[i - 1]) / 2);
    sumMetres.push(sumMetres[sumMetres.length - 1] + metres);
    sumSeconds.push(sumSeconds[sumSeconds.length - 1] + seconds);
  }
  if (middles.length === 0) return distance.map(() => null);
  const span = distance[distance.length - 1] - distance[0];
  const half = Math.max(HALF_WINDOW_M, (1.5 * span) / Math.max(1, distance.length - 1));
  const perUnit = unitLength(units);
  return distance.map((at) => {
    let low = firstAtLeast(middles, at - half);
    let high = firstAtLeast(middles, at + half + 1e-9); // exclusive
    if (low >= high) {
      // Inside a stretch longer than the window: the stretch nearest to the point.
      const next = Math.min(low, middles.length - 1);
      const nearest = next > 0 && at - middles[next - 1] < middles[next] - at ? next - 1 : next;
      [low, high] = [nearest, nearest + 1];
    }
    const metres = sumMetres[high] - sumMetres[low];
    return Math.round(((sumSeconds[high] - sumSeconds[low]) / metres) * perUnit);
  });
}

/** The index of the first of the sorted ``values`` at or above ``bound``. */
function firstAtLeast(values: number[], bound: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (values[middle] < bound) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** A distance axis in the runner's units that ends on a tick: a round step (1, 2 or 5
 * times a power of ten, four or five steps in all) and as many decimals as the step
 * needs, so no two labels read the same (0.4 km: 0, 0.1, ... 0.4, not 0.1, 0.1, 0.2). */
export function distanceAxis(max: number): { interval: number; max: number; format: (value: number) => string } {
  const rough = Math.max(max, 1e-3) / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough - 1e-12) ?? 10 * power;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const interval = Number(step.toFixed(decimals));
  const format = (value: number) => String(Number(value.toFixed(decimals)));
  return { interval, max: Number((Math.ceil(max / interval - 1e-9) * interval).toFixed(decimals)), format };
}

/** The series the run's charts draw, over distance, from its downsampled streams. */
export function streamSeries(streams: ChartedStreams | null | undefined, units: Units): StreamSeries | null {
  const distance = streams?.distance;
  if (!distance || distance.length < 2) return null;
  const pace = streams.time || streams.velocity_smooth ? smoothPace(streams, units) : null;
  const altitude = streams.altitude;
  return {
    distance: distance.map((d) => Math.round(toDistanceUnits(d, units) * 1000) / 1000),
    pace,
    heartrate: streams.heartrate ?? null,
    elevation: altitude ? altitude.map((a) => Math.round(toElevationUnits(a, units))) : null,
  };
}
