import { describe, expect, it } from "vitest";
import { distanceAxis, smoothPace, streamSeries } from "./streams";

describe("the charts' series", () => {
  const streams = {
    distance: [0, 1000, 2000],
    time: [0, 300, 600],
    velocity_smooth: [0, 1000 / 300, 1000 / 300],
    heartrate: [120, 140, 150],
    altitude: [10, 20, 30.4],
  };

  it("puts pace, heart rate and elevation over distance in km", () => {
    const series = streamSeries(streams, "km");
    expect(series?.distance).toEqual([0, 1, 2]);
    expect(series?.pace).toEqual([300, 300, 300]);
    expect(series?.heartrate).toEqual([120, 140, 150]);
    expect(series?.elevation).toEqual([10, 20, 30]);
  });

  it("uses miles and feet for a mi runner", () => {
    const series = streamSeries(streams, "mi");
    expect(series?.distance[2]).toBeCloseTo(1.243, 3);
    expect(series?.pace?.[1]).toBe(483);
    expect(series?.elevation).toEqual([33, 66, 100]);
  });

  it("derives pace from time, leaving out the time stood still", () => {
    const series = streamSeries({ distance: [0, 1000, 1000], time: [0, 240, 400] }, "km");
    expect(series?.pace).toEqual([240, 240, 240]);
  });

  it("charts nothing without a distance stream", () => {
    expect(streamSeries({ heartrate: [1, 2] }, "km")).toBeNull();
    expect(streamSeries(null, "km")).toBeNull();
  });
});

describe("the pace chart's series", () => {
  // A steady 5:00 /km run sampled every 10 s (33.3 m), with GPS noise every other point.
  function steady(points: number, noisy = true) {
    const time: number[] = [];
    const distance: number[] = [];
    for (let i = 0; i < points; i++) {
      time.push(i * 10);
      distance.push(i * (1000 / 30) + (noisy && i % 2 ? 8 : 0));
    }
    return { time, distance };
  }

  it("is smoothed over a rolling window: GPS noise gives no zigzag", () => {
    const series = smoothPace(steady(120), "km");
    const inner = series.slice(10, -10);
    for (const pace of inner) expect(pace).not.toBeNull();
    expect(Math.max(...(inner as number[])) - Math.min(...(inner as number[]))).toBeLessThan(30);
    // Unsmoothed, the same points swing by minutes.
    const { time, distance } = steady(120);
    const raw = distance.slice(11, -10).map((d, i) => (time[i + 11] - time[i + 10]) / ((d - distance[i + 10]) / 1000));
    expect(Math.max(...raw) - Math.min(...raw)).toBeGreaterThan(60);
  });

  it("bridges a pause: no spike, no zero and no hole where the runner stood", () => {
    const { time, distance } = steady(60, false);
    // Two minutes standing at a crossing after point 30: time goes on, distance does not.
    const paused = {
      time: [...time.slice(0, 31), ...time.slice(30).map((t) => t + 120)].slice(0, 61),
      distance: [...distance.slice(0, 31), ...distance.slice(30)].slice(0, 61),
    };
    const pace = smoothPace(paused, "km");
    expect(pace.every((p) => p !== null && p > 0)).toBe(true);
    expect(Math.max(...(pace as number[]))).toBeLessThan(310);
    expect(Math.min(...(pace as number[]))).toBeGreaterThan(290);
  });

  it("bridges missing points (a GPS gap) with the pace across it", () => {
    const { time, distance } = steady(60, false);
    const gappy = { time: [...time.slice(0, 20), ...time.slice(40)], distance: [...distance.slice(0, 20), ...distance.slice(40)] };
    const pace = smoothPace(gappy, "km");
    expect(pace.every((p) => p !== null && Math.abs(p - 300) < 5)).toBe(true);
  });

  it("takes the velocity stream when there is no time", () => {
    const pace = smoothPace({ distance: [0, 100, 200, 300], velocity_smooth: [0, 4, 4, 4] }, "km");
    expect(pace).toEqual([250, 250, 250, 250]);
  });

  it("is in the runner's units", () => {
    const pace = smoothPace(steady(60, false), "mi");
    expect(pace[30]).toBeCloseTo(483, 0);
  });
});

describe("the distance axis", () => {
  it("never repeats a label, on short runs and long", () => {
    for (let max = 0.05; max < 60; max *= 1.07) {
      const axis = distanceAxis(max);
      const labels = [];
      for (let v = 0; v <= max + 1e-9; v += axis.interval) labels.push(axis.format(v));
      expect(new Set(labels).size, `labels of a ${max.toFixed(3)} run: ${labels.join(" ")}`).toBe(labels.length);
      expect(labels.length).toBeGreaterThanOrEqual(2);
      expect(labels.length).toBeLessThanOrEqual(11);
    }
  });

  it("labels a 0.4 km run in tenths", () => {
    const axis = distanceAxis(0.4);
    expect(axis.interval).toBe(0.1);
    expect([0, 0.1, 0.2, 0.3, 0.4].map(axis.format)).toEqual(["0", "0.1", "0.2", "0.3", "0.4"]);
  });
});
