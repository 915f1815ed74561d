import type { Streams } from "../api/types";
import { toDistanceUnits, toElevationUnits, unitLength, type Units } from "../format/units";

export interface StreamSeries {
  /** Distance along the run, in the runner's units. */
  distance: number[];
  /** Seconds per km or mile (null where standing still). */
  pace: (number | null)[] | null;
  heartrate: number[] | null;
  /** Metres or feet. */
  elevation: number[] | null;
}

/** The series the charts read of a run's streams. */
type ChartedStreams = Pick<Streams, "distance" | "time" | "velocity_smooth" | "heartrate" | "altitude">;

// Slower than this is walking or standing: left out of the pace chart.
const SLOWEST_PACE_S_PER_KM = 20 * 60;

/** The series the run's charts draw, over distance, from its downsampled streams. */
export function streamSeries(streams: ChartedStreams | null | undefined, units: Units): StreamSeries | null {
  const distance = streams?.distance;
  if (!distance || distance.length < 2) return null;
  const time = streams.time;
  const velocity = streams.velocity_smooth;
  const perUnit = unitLength(units);
  const slowest = (SLOWEST_PACE_S_PER_KM / 1000) * perUnit;

  let pace: (number | null)[] | null = null;
  if (velocity) {
    pace = velocity.map((v) => (v > 0 ? perUnit / v : null));
  } else if (time) {
    pace = distance.map((d, i) => {
      if (i === 0) return null;
      const dd = d - distance[i - 1];
      const dt = time[i] - time[i - 1];
      return dd > 0 ? (dt / dd) * perUnit : null;
    });
  }
  pace = pace?.map((p) => (p != null && p <= slowest ? Math.round(p) : null)) ?? null;
  const altitude = streams.altitude;
  return {
    distance: distance.map((d) => Math.round(toDistanceUnits(d, units) * 1000) / 1000),
    pace,
    heartrate: streams.heartrate ?? null,
    elevation: altitude ? altitude.map((a) => Math.round(toElevationUnits(a, units))) : null,
  };
}
