import { describe, expect, it } from "vitest";
import { streamSeries } from "./streams";

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
    expect(series?.pace).toEqual([null, 300, 300]);
    expect(series?.heartrate).toEqual([120, 140, 150]);
    expect(series?.elevation).toEqual([10, 20, 30]);
  });

  it("uses miles and feet for a mi runner", () => {
    const series = streamSeries(streams, "mi");
    expect(series?.distance[2]).toBeCloseTo(1.243, 3);
    expect(series?.pace?.[1]).toBe(483);
    expect(series?.elevation).toEqual([33, 66, 100]);
  });

  it("derives pace from time when there is no velocity", () => {
    const series = streamSeries({ distance: [0, 1000, 1000], time: [0, 240, 400] }, "km");
    expect(series?.pace).toEqual([null, 240, null]);
  });

  it("charts nothing without a distance stream", () => {
    expect(streamSeries({ heartrate: [1, 2] }, "km")).toBeNull();
    expect(streamSeries(null, "km")).toBeNull();
  });
});
