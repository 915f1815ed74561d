import { afterEach, describe, expect, it } from "vitest";
import { changeLanguage } from "../i18n/i18n";
import { ApiError, describeError } from "./problem";

afterEach(() => changeLanguage("en"));

const problem = (status: number, detail: string) => new ApiError({ title: "Refused", status, detail });

describe("a failed request, told to the runner", () => {
  it("is the API's own words in English", () => {
    expect(describeError(problem(401, "Wrong email or password."), { 401: "not used in English" })).toBe("Wrong email or password.");
  });

  it("is worded by its status in another language: in the form's words, or in general ones", () => {
    changeLanguage("zh-Hans");
    expect(describeError(problem(401, "Wrong email or password."), { 401: "邮箱或密码不正确。" })).toBe("邮箱或密码不正确。");
    expect(describeError(problem(404, "No such race."))).toBe("找不到相应的内容。");
    expect(describeError(problem(429, "Too many requests: retry in 60 s."))).toBe("尝试次数过多，请稍候再试。");
    expect(describeError(problem(418, "I'm a teapot."))).toBe("出了点问题。请重试。");
    expect(describeError(problem(503, "Down."))).toBe("Runnerly 的这部分功能暂时不可用。请稍后重试。");
  });
});
