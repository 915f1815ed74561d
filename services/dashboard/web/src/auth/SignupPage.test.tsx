import { cleanup, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { changeLanguage } from "../i18n/i18n";
import { json, mockApi, renderWithApp } from "../test/render";
import SignupPage from "./SignupPage";

afterEach(() => vi.unstubAllGlobals());

describe("sign up", () => {
  it("proposes the browser's time zone and sends the one chosen", async () => {
    const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const bodies: unknown[] = [];
    mockApi(async (request) => {
      bodies.push(await request.json());
      return json({ status: "confirmation_sent", email: "ada@example.com" }, 202);
    });
    renderWithApp(<SignupPage />, "/signup");

    expect(screen.getByLabelText("Time zone")).toHaveValue(browserZone);
    await userEvent.type(screen.getByLabelText("Email"), "ada@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "correct horse battery");
    await userEvent.click(screen.getByRole("button", { name: "Sign up" }));

    expect(await screen.findByRole("heading", { name: "Check your mail" })).toBeInTheDocument();
    // The language the page is shown in: the confirmation mail is written in it.
    expect(bodies).toEqual([{ email: "ada@example.com", password: "correct horse battery", time_zone: browserZone, language: "en" }]);
  });

  it("shows the API's words next to the password", async () => {
    mockApi(() => json({
      title: "Invalid input", status: 422, detail: "Password needs at least 10 characters.",
      errors: [{ field: "password", message: "Password needs at least 10 characters." }],
    }, 422));
    renderWithApp(<SignupPage />, "/signup");
    await userEvent.type(screen.getByLabelText("Email"), "ada@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "short");
    await userEvent.click(screen.getByRole("button", { name: "Sign up" }));

    expect(await screen.findByText("Password needs at least 10 characters.")).toBeInTheDocument();
    expect(screen.getByLabelText("Password")).toHaveAccessibleDescription(/Password needs at least 10 characters\./);
  });
});

describe("sign up in Simplified Chinese", () => {
  // Unmounted first: the pages left would re-render in English outside the test.
  afterEach(() => {
    cleanup();
    changeLanguage("en");
  });

  it("asks in Chinese and says where the mail went, the address set apart", async () => {
    changeLanguage("zh-Hans");
    mockApi(() => json({ status: "confirmation_sent", email: "ada@example.com" }, 202));
    renderWithApp(<SignupPage />, "/signup");
    expect(screen.getByRole("heading", { name: "创建你的账户" })).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("邮箱"), "ada@example.com");
    await userEvent.type(screen.getByLabelText("密码"), "correct horse battery");
    await userEvent.click(screen.getByRole("button", { name: "注册" }));

    expect(await screen.findByRole("heading", { name: "请查收邮件" })).toBeInTheDocument();
    const sent = screen.getByRole("status");
    expect(sent).toHaveTextContent("我们已向 ada@example.com 发送确认链接。");
    expect(sent.querySelector("strong")).toHaveTextContent(/^ada@example\.com$/);
  });
});
