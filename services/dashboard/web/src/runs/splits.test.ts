import { describe, expect, it } from "vitest";
import { METERS_PER_MILE } from "../format/units";
import { splitsPerMile } from "./splits";

// A 5 km run at 5:00 /km, a sample every 10 m, climbing 1 m every 100 m, the heart rate
// rising 1 bpm every 100 m; stopped 60 s at 2 km.
function run() {
  const distance: number[] = [];
  const time: number[] = [];
  const moving: boolean[] = [];
  const altitude: number[] = [];
  const heartrate: number[] = [];
  for (let i = 0; i <= 500; i++) {
    const d = i * 10;
    distance.push(d);
    time.push(d * 0.3 + (d > 2000 ? 60 : 0));
    moving.push(true);
    altitude.push(30 + d / 100);
    heartrate.push(120 + Math.floor(d / 100));
    if (d === 2000) {
      // Standing at the lights for a minute.
      distance.push(d);
      time.push(d * 0.3 + 60);
      moving.push(false);
      altitude.push(30 + d / 100);
      heartrate.push(110);
    }
  }
  return { distance, time, moving, altitude, heartrate };
}

describe("splits per mile, from the run's streams", () => {
  it("cuts at every full mile, then the rest, the distances adding up to the run", () => {
    const splits = splitsPerMile(run());
    expect(splits.map((s) => s.distance_m)).toEqual([METERS_PER_MILE, METERS_PER_MILE, METERS_PER_MILE, 5000 - 3 * METERS_PER_MILE]);
    const sum = splits.reduce((total, s) => total + s.distance_m, 0);
    expect(sum).toBeCloseTo(5000, 6);
  });

  it("times each mile at its boundary, the stop counted in the elapsed time only", () => {
    const [first, second, third, rest] = splitsPerMile(run());
    expect(first.elapsed_time_s).toBe(Math.round(METERS_PER_MILE * 0.3)); // 483 s: 8:03 /mi
    expect(first.moving_time_s).toBe(first.elapsed_time_s);
    expect(second.elapsed_time_s).toBe(Math.round(METERS_PER_MILE * 0.3 + 60));
    expect(second.moving_time_s).toBe(Math.round(METERS_PER_MILE * 0.3));
    expect(third.moving_time_s).toBe(third.elapsed_time_s);
    expect(rest.elapsed_time_s).toBe(Math.round((5000 - 3 * METERS_PER_MILE) * 0.3));
  });

  it("gives each mile its climb and mean heart rate", () => {
    const [first] = splitsPerMile(run());
    expect(first.elevation_difference_m).toBeCloseTo(METERS_PER_MILE / 100, 1);
    expect(first.average_hr).toBeGreaterThan(120);
    expect(first.average_hr).toBeLessThan(137);
  });

  it("has none without distance and time streams", () => {
    expect(splitsPerMile(null)).toEqual([]);
    expect(splitsPerMile({ distance: [0, 1000], time: null })).toEqual([]);
  });
});
