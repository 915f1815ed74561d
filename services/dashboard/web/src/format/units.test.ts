import i18n, { changeLanguage } from "../i18n/i18n";
import { setCurrentLanguage } from "../i18n/language";
import { monthLabel } from "../reports/content";
import { afterEach, describe, expect, it } from "vitest";
import {
  distanceFromUnits,
  formatDateTime,
  formatDay,
  formatDistance,
  formatDuration,
  formatElevation,
  formatHeartRate,
  formatPace,
  formatTimeSpent,
  paceSeconds,
  startOfDayIn,
  timeZones,
} from "./units";

describe("distances and elevations", () => {
  it("shows kilometres or miles", () => {
    expect(formatDistance(5000, "km")).toBe("5.00 km");
    expect(formatDistance(5000, "mi")).toBe("3.11 mi");
    expect(formatDistance(42195, "mi", 1)).toBe("26.2 mi");
    expect(formatDistance(null, "km")).toBe("–");
  });

  it("shows metres for km runners and feet for mi runners", () => {
    expect(formatElevation(42, "km")).toBe("42 m");
    expect(formatElevation(42, "mi")).toBe("138 ft");
    expect(formatElevation(undefined, "mi")).toBe("–");
  });
});

describe("durations and paces", () => {
  it("formats durations with hours only when needed", () => {
    expect(formatDuration(1500)).toBe("25:00");
    expect(formatDuration(3723)).toBe("1:02:03");
    expect(formatDuration(59.6)).toBe("1:00");
  });

  it("words totals of time in hours and minutes, not as a clock", () => {
    expect(formatTimeSpent(0)).toBe("0 min");
    expect(formatTimeSpent(2700)).toBe("45 min");
    expect(formatTimeSpent(37800)).toBe("10 h 30 min");
    expect(formatTimeSpent(43500)).toBe("12 h 05 min");
  });

  it("gives the heart rate in beats per minute", () => {
    expect(formatHeartRate(149.6)).toBe("150 bpm");
    expect(formatHeartRate(null)).toBe("–");
  });

  it("gives the pace per km or per mile", () => {
    expect(formatPace(5000, 1500, "km")).toBe("5:00 /km");
    expect(formatPace(5000, 1500, "mi")).toBe("8:03 /mi");
    expect(paceSeconds(10000, 3000, "km")).toBe(300);
  });

  it("has no pace without distance or time", () => {
    expect(formatPace(0, 1500, "km")).toBe("–");
    expect(formatPace(5000, null, "km")).toBe("–");
  });
});

describe("time zones", () => {
  const instant = "2026-10-01T22:30:00Z";

  it("shows a moment in the runner's zone", () => {
    expect(formatDateTime(instant, "Europe/Paris", "en-GB")).toContain("2 Oct 2026");
    expect(formatDateTime(instant, "Europe/Paris", "en-GB")).toContain("00:30");
    expect(formatDateTime(instant, "America/New_York", "en-GB")).toContain("1 Oct 2026");
    expect(formatDateTime(instant, "America/New_York", "en-GB")).toContain("18:30");
  });

  it("falls back to the browser's zone for a zone it does not know", () => {
    expect(formatDateTime(instant, "Not/AZone", "en-GB")).toMatch(/2026/);
  });

  it("shows a race day as the calendar day, whatever the zone", () => {
    expect(formatDay("2026-10-04", "en-GB")).toBe("Sun, 4 Oct 2026");
  });

  it("finds when a day starts in a zone, across summer time", () => {
    expect(startOfDayIn("2026-07-01", "Europe/Paris")).toBe("2026-06-30T22:00:00.000Z");
    expect(startOfDayIn("2026-01-15", "Europe/Paris")).toBe("2026-01-14T23:00:00.000Z");
    expect(startOfDayIn("2026-03-29", "Europe/Paris")).toBe("2026-03-28T23:00:00.000Z");
    expect(startOfDayIn("2026-07-01", "America/Los_Angeles")).toBe("2026-07-01T07:00:00.000Z");
    expect(startOfDayIn("2026-07-01", "UTC")).toBe("2026-07-01T00:00:00.000Z");
  });

  it("lists IANA zones for the profile", () => {
    const zones = timeZones();
    expect(zones).toContain("UTC");
    expect(zones).toContain("Europe/Paris");
  });
});

describe("a distance typed in the runner's units", () => {
  // Every standard race distance as runners write it, in miles and in kilometres.
  const STANDARD: [string, number, string[], string[]][] = [
    ["mile", 1609.344, ["1"], ["1.609"]],
    ["5K", 5000, ["3.1", "3.11"], ["5"]],
    ["10K", 10000, ["6.2", "6.21"], ["10"]],
    ["15K", 15000, ["9.3", "9.32"], ["15"]],
    ["10 miles", 16093.44, ["10"], ["16.1", "16.09"]],
    ["half marathon", 21097.5, ["13.1", "13.11"], ["21.1", "21.0975"]],
    ["marathon", 42195, ["26.2", "26.22"], ["42.2", "42.195"]],
    ["50K", 50000, ["31", "31.07"], ["50"]],
    ["50 miles", 80467.2, ["50"], ["80.5"]],
    ["100K", 100000, ["62.1", "62.14"], ["100"]],
    ["100 miles", 160934.4, ["100"], ["160.9"]],
  ];
  for (const [name, metres, miles, kilometres] of STANDARD) {
    it(`snaps the ${name} to its exact ${metres} m`, () => {
      for (const typed of miles) expect(distanceFromUnits(Number(typed), "mi")).toBe(metres);
      for (const typed of kilometres) expect(distanceFromUnits(Number(typed), "km")).toBe(metres);
    });
  }

  it("keeps any other distance, to the metre", () => {
    expect(distanceFromUnits(8, "km")).toBe(8000);
    expect(distanceFromUnits(5, "mi")).toBe(8047);
    expect(distanceFromUnits(12.3, "km")).toBe(12300);
    expect(distanceFromUnits(20, "mi")).toBe(32187);
  });
});

describe("dates in the language shown", () => {
  afterEach(() => changeLanguage("en"));

  it("follow the language the provider set, not the browser's locale", () => {
    setCurrentLanguage("zh-Hans");
    expect(formatDay("2026-10-01")).toMatch(/2026年10月1日/);
    expect(formatDateTime("2026-10-01T07:00:00Z", "Asia/Shanghai")).toMatch(/2026年10月1日.*15:00/);
    expect(monthLabel("2026-10")).toBe("2026年10月");
    setCurrentLanguage("en");
    expect(formatDay("2026-10-01")).toBe("Thu, Oct 1, 2026");
    expect(monthLabel("2026-10")).toBe("October 2026");
  });

  it("word time spent and heart rate in the language shown", async () => {
    changeLanguage("zh-Hans");
    await i18n.changeLanguage("zh-Hans");
    expect(formatTimeSpent(43500)).toBe("12 小时 05 分钟");
    expect(formatTimeSpent(2700)).toBe("45 分钟");
    expect(formatHeartRate(150)).toBe("150 次/分");
    // Unit symbols stay as they are.
    expect(formatPace(5000, 1500, "km")).toBe("5:00 /km");
    changeLanguage("en");
    await i18n.changeLanguage("en");
    expect(formatTimeSpent(43500)).toBe("12 h 05 min");
  });

  it("set the page's lang", () => {
    setCurrentLanguage("zh-Hans");
    expect(document.documentElement.lang).toBe("zh-Hans");
  });
});
