import { afterEach, describe, expect, it } from "vitest";
import { changeLanguage } from "../i18n/i18n";
import { readNumber } from "./numbers";

afterEach(() => changeLanguage("en"));

describe("a profile number as typed", () => {
  it("is read, or refused with the field's range", () => {
    expect(readNumber("max_hr", " 185 ")).toEqual({ value: 185 });
    expect(readNumber("weight_kg", "61,5")).toEqual({ value: 61.5 });
    expect(readNumber("weight_kg", "")).toEqual({ value: null });
    expect(readNumber("max_hr", "300")).toEqual({ error: "Enter a whole number from 60 to 260, in digits." });
    expect(readNumber("weight_kg", "0")).toEqual({ error: "Enter a number more than 0 and up to 500, in digits." });
  });

  it("is refused in the language shown", () => {
    changeLanguage("zh-Hans");
    expect(readNumber("max_hr", "300")).toEqual({ error: "请用数字输入 60 到 260 之间的整数。" });
    expect(readNumber("weight_kg", "seventy")).toEqual({ error: "请用数字输入大于 0 且不超过 500 的数值。" });
  });
});
