/**
 * Every shape of text the plans service writes in a plan, in km and in miles
 * (`contracts/plan-texts.json`, which `make contracts` checks against the service), is
 * worded in Chinese from its own figures: none falls back to the short form that a text of
 * an unknown shape gets, and none keeps an English word.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatDistance, formatDuration, type Units } from "../format/units";
import i18n, { changeLanguage } from "../i18n/i18n";
import { formatPaceRange, remarkText, workoutDetail, workoutName } from "./format";
import type { PlanWorkout } from "./queries";

interface PlanTexts {
  workouts: (Pick<PlanWorkout, "kind" | "description" | "distance_m" | "duration_s" | "pace"> & { units: Units })[];
  remarks: { code: string; text: string; units: Units }[];
}

// Read where the contracts are, outside the app: a glob, so that the app's own build (which
// type-checks this file without the repository around it, in the image) needs no copy.
const [samples] = Object.values(
  import.meta.glob<PlanTexts>("../../../../../contracts/plan-texts.json", { eager: true, import: "default" }),
);

beforeEach(() => changeLanguage("zh-Hans"));
afterEach(() => changeLanguage("en"));

// Latin words a Chinese text may keep: units and the name of the fitness measure.
const english = (text: string) => (text.match(/[A-Za-z]{2,}/g) ?? []).filter((word) => !["km", "mi", "VDOT"].includes(word));

describe("the plans service's texts, in Chinese", () => {
  it("cover every workout kind and remark code", () => {
    expect(samples, "contracts/plan-texts.json").toBeDefined();
    expect(new Set(samples.workouts.map((w) => w.kind)).size).toBeGreaterThanOrEqual(9);
    expect(new Set(samples.remarks.map((r) => r.code)).size).toBeGreaterThanOrEqual(8);
  });

  it.each(samples.workouts.map((w) => [w.kind, w.units, w] as const))("a %s workout's details (%s)", (_, units, sample) => {
    const workout = { ...sample, id: 1, date: "2026-03-10", status: "planned", judgement: "planned", runs: [] } as unknown as PlanWorkout;
    const worded = workoutDetail(workout, units);
    expect(english(worded), `${sample.description} -> ${worded}`).toEqual([]);
    const fallback = i18n.t("plans.detail.other", {
      name: workoutName(workout.kind),
      distance: formatDistance(workout.distance_m, units, 1),
      pace: formatPaceRange(workout.pace, units),
      duration: formatDuration(workout.duration_s),
    });
    expect(worded, `${sample.description} fell back`).not.toBe(fallback);
  });

  it.each(samples.remarks.map((r) => [r.code, r.units, r] as const))("a remark %s (%s)", (code, _, sample) => {
    const worded = remarkText({ code, text: sample.text });
    expect(english(worded), `${sample.text} -> ${worded}`).toEqual([]);
    expect(worded, `${sample.text} fell back to its gist`).not.toBe(i18n.t(`plans.remarkGist.${code}`));
  });
});
