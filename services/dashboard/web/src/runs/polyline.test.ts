import { describe, expect, it } from "vitest";
import { routeOf } from "./polyline";

// Google's own example: (38.5, -120.2), (40.7, -120.95), (43.252, -126.453).
const EXAMPLE = "_p~iF~ps|U_ulLnnqC_mqNvxq`@";

describe("a run's route", () => {
  it("decodes the summary polyline into points and bounds", () => {
    const route = routeOf(EXAMPLE);
    expect(route?.points).toEqual([
      [38.5, -120.2],
      [40.7, -120.95],
      [43.252, -126.453],
    ]);
    expect(route?.bounds).toEqual([
      [38.5, -126.453],
      [43.252, -120.2],
    ]);
    expect(route?.start).toEqual([38.5, -120.2]);
    expect(route?.end).toEqual([43.252, -126.453]);
  });

  it("falls back to the latlng stream", () => {
    const route = routeOf(null, [
      [48.85, 2.35],
      [48.86, 2.36],
    ]);
    expect(route?.points).toHaveLength(2);
  });

  it("is absent for a run without a route", () => {
    expect(routeOf(null, null)).toBeNull();
    expect(routeOf("")).toBeNull();
    expect(routeOf(null, [[1, 2]])).toBeNull();
  });
});
