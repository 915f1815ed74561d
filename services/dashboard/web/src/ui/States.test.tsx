import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { ApiError } from "../api/problem";
import { changeLanguage } from "../i18n/i18n";
import { ErrorState, Loading } from "./States";

describe("the states of a load, in Simplified Chinese", () => {
  // Unmounted first: the pages left would re-render in English outside the test.
  afterEach(() => {
    cleanup();
    changeLanguage("en");
  });

  it("say loading, and a failure with the way to try again, in the language shown", () => {
    changeLanguage("zh-Hans");
    render(<><Loading /><ErrorState error={new Error("boom")} retry={() => undefined} /></>);
    expect(screen.getByRole("status")).toHaveTextContent("正在加载…");
    expect(screen.getByRole("alert")).toHaveTextContent("出了点问题。请重试。");
    expect(screen.getByRole("button", { name: "重试" })).toBeInTheDocument();
  });

  it("word the API's refusal and an outage in the language shown", () => {
    changeLanguage("zh-Hans");
    render(<>
      <ErrorState error={new ApiError({ title: "Bad request", status: 400, detail: "The API's words." })} />
      <ErrorState error={new ApiError({ title: "Unavailable", status: 503, detail: "" })} />
    </>);
    const [refused, outage] = screen.getAllByRole("alert");
    expect(refused).toHaveTextContent("请求被拒绝。");
    expect(outage).toHaveTextContent("Runnerly 的这部分功能暂时不可用。请稍后重试。");
  });
});
