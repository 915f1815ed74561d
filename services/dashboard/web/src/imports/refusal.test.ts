import { afterEach, describe, expect, it } from "vitest";
import i18n, { changeLanguage } from "../i18n/i18n";
import { refusalText, sportName } from "./refusal";

afterEach(async () => {
  changeLanguage("en");
  await i18n.changeLanguage("en");
});

async function chinese() {
  changeLanguage("zh-Hans");
  await i18n.changeLanguage("zh-Hans");
}

describe("a refused file's sentence", () => {
  it("is the server's own in English, code or not", () => {
    const message = "This is a swimming activity, not a run.";
    expect(refusalText({ message, reason: "not_a_run", sport: "swimming" })).toBe(message);
    expect(refusalText({ message: null, reason: "corrupt" })).toBeNull();
  });

  it("is worded by its code in Chinese, the sport it names translated", async () => {
    await chinese();
    expect(refusalText({ message: "x", reason: "not_a_run", sport: "swimming" })).toBe("这是一次游泳记录，不是跑步。");
    expect(refusalText({ message: "x", reason: "multisport", sport: "multisport" })).toBe("这是一次多项运动记录，不是跑步。");
    expect(refusalText({ message: "x", reason: "no_timestamps" })).toBe("没有时间信息：这不是记录下来的活动（也许是规划的路线？）。");
    expect(refusalText({ message: "x", reason: "corrupt" })).toBe("这不是 GPX、FIT 或 TCX 文件，或者文件不完整、已损坏。");
    expect(refusalText({ message: "x", reason: "looks_like_walk", sport: "walking" })).toMatch(/^这看起来是一次步行，不是跑步。/);
  });

  it("names a sport the catalogue has not got in its English words", async () => {
    await chinese();
    expect(sportName("kitesurfing")).toBe("kitesurfing");
    expect(sportName("wheelchair_push")).toBe("wheelchair push");
    expect(refusalText({ message: "x", reason: "not_a_run", sport: "wheelchair_push" })).toBe("这是一次wheelchair push记录，不是跑步。");
  });

  it("is the server's own when its code is unknown, absent, or lacks the sport it names", async () => {
    await chinese();
    expect(refusalText({ message: "Stored before the codes." })).toBe("Stored before the codes.");
    expect(refusalText({ message: "Newer.", reason: "some_new_code" })).toBe("Newer.");
    expect(refusalText({ message: "No sport given.", reason: "not_a_run", sport: null })).toBe("No sport given.");
  });
});
