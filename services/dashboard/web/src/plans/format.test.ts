import { afterEach, describe, expect, it } from "vitest";
import { changeLanguage } from "../i18n/i18n";
import { remarkText, workoutDetail } from "./format";
import type { PlanWorkout } from "./queries";

afterEach(() => changeLanguage("en"));

// As the plans service writes them for a runner in miles.
const workout = (kind: PlanWorkout["kind"], distance_m: number, description: string): PlanWorkout => ({
  id: 1, date: "2026-03-10", kind, distance_m, duration_s: 2700, pace: { slow_s_per_km: 330, fast_s_per_km: 295 },
  description, status: "planned", judgement: "planned", runs: [],
});
const INTERVALS = workout("intervals", 3862,
  "Warm up, 3 x 400 m at interval pace (7:42-7:24/mi) with an easy jog as long as each rep between them, cool down; 2.4 mi in all");
const LONG_MP = workout("long", 5794,
  "Long run: 3.6 mi, the first 2.4 mi easy (13:11-11:48/mi), the last 1.2 mi at marathon pace (7:00-6:52/mi)");
const RACE = workout("race", 42195, "Race day: 26.2 mi, aiming at 3:00:00 (6:52/mi)");

describe("a workout's details", () => {
  it("are the plans service's own words in English", () => {
    expect(workoutDetail(INTERVALS, "mi")).toBe(INTERVALS.description);
  });

  it("are worded in Chinese from the workout's figures, in the runner's units", () => {
    changeLanguage("zh-Hans");
    expect(workoutDetail(INTERVALS, "mi")).toBe(
      "热身后以间歇配速（7:24–7:42 /mi）跑 3 × 400 m，组间慢跑恢复，时长与每组相同，最后放松跑；共 2.4 mi",
    );
    expect(workoutDetail(LONG_MP, "mi")).toBe(
      "长距离跑 3.6 mi：前 2.4 mi 轻松跑（11:48–13:11 /mi），最后 1.2 mi 用马拉松配速（6:52–7:00 /mi）",
    );
    expect(workoutDetail({ ...RACE, duration_s: 10800 }, "mi")).toBe("比赛日：26.2 mi，目标 3:00:00（6:52 /mi）");
    expect(workoutDetail(workout("strides", 2736, "1.7 mi easy (13:11-11:48/mi), then 6 x 20 s strides"), "mi")).toMatch(
      /^轻松跑 1\.7 mi（7:55–8:51 \/mi），然后做 6 次 20 秒加速跑/,
    );
  });

  it("fall back to the workout's kind and figures when the text has another shape", () => {
    changeLanguage("zh-Hans");
    expect(workoutDetail(workout("tempo", 8000, "Tempo 28-32 km"), "km")).toBe("节奏跑：8.0 km，配速 4:55–5:30 /km，约 45:00");
  });
});

describe("a plan's remarks", () => {
  const kept = {
    code: "goal_kept_beyond_fitness",
    text:
      "The goal of 3:00:00 is 38% faster than your current fitness predicts (4:49:49): it asks for a VDOT of 53.5, " +
      "you are at 30.0, and 17 weeks of training can bring it to about 34.2, short of it. The plan keeps the goal: its " +
      "race-pace work is at goal pace, which will feel harder than it should. Choose the predicted time to train at what you can run today.",
  };
  const longRun = {
    code: "long_run_short",
    text:
      "The longest run of this plan is 5.5 mi; a marathon plan should reach at least 14.9 mi, but 3 hours at your easy " +
      "pace (13:11-11:48/mi) is the most a run should take. Expect the last part of the race to be hard; more days a week " +
      "or a later race would let it grow.",
  };

  it("are the plans service's text in English", () => {
    expect(remarkText(kept)).toBe(kept.text);
  });

  it("are worded in Chinese by their code, with their figures", () => {
    changeLanguage("zh-Hans");
    expect(remarkText(kept)).toMatch(/^目标成绩 3:00:00 比你当前体能预测的成绩（4:49:49）快 38%：它需要 VDOT 53\.5，你目前是 30\.0，17 周的训练大约能提升到 34\.2，仍然不够。计划保留了你的目标/);
    expect(remarkText(longRun)).toBe(
      "这个计划最长的一次跑步是 5.5 mi；全马计划至少应达到 14.9 mi，但以你的轻松配速（11:48–13:11 /mi），一次跑步最多不宜超过 3 小时。" +
        "比赛后段可能会很艰难；每周多跑几天或选一场更晚的比赛，长距离跑就能再加长。",
    );
  });

  it("word a marathon's long run held to 2.5 hours in Chinese", () => {
    changeLanguage("zh-Hans");
    const held = {
      ...longRun,
      text: longRun.text.replace("3 hours", "2.5 hours"),
    };
    expect(remarkText(held)).toContain("一次跑步最多不宜超过 2.5 小时");
  });

  it("word a volume held by the days a week in Chinese, with its figures", () => {
    changeLanguage("zh-Hans");
    const capped = {
      code: "volume_capped_by_days",
      text:
        "With 3 days a week and no run longer than the long run (at most 18.0 km), the plan holds your weekly volume at " +
        "52 km rather than the 66 km your recent weeks and level call for. More days a week would spread that volume safely.",
    };
    expect(remarkText(capped)).toBe(
      "每周跑 3 天，且任何一次跑步都不超过长距离跑（最长 18.0 km），计划把你的周跑量控制在 52 km，" +
        "而不是按你近几周的跑量和水平应有的 66 km。每周多跑几天，才能安全地分摊这些跑量。",
    );
  });

  it("say their gist when the text has another shape, and keep a note without a code as written", () => {
    changeLanguage("zh-Hans");
    expect(remarkText({ code: "volume_short", text: "Volume reaches 28-32 km." })).toBe(
      "你的周跑量低于这类比赛计划通常达到的水平；选一场更晚的比赛，就有更多时间提升跑量。",
    );
    expect(remarkText({ code: "note", text: "Built before remarks had codes." })).toBe("Built before remarks had codes.");
  });
});
