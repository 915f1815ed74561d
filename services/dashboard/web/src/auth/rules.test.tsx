import { cleanup, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { changeLanguage } from "../i18n/i18n";
import { renderWithApp } from "../test/render";
import ForgotPasswordPage from "./ForgotPasswordPage";
import ResetPasswordPage from "./ResetPasswordPage";
import SignupPage from "./SignupPage";

// Rules unlike today's: a form that shows a copy of the numbers instead of the contract's fails.
vi.mock("../api/rules.gen", () => ({
  rules: {
    SignupRequest: {
      email: { type: "string", format: "email", maxLength: 300 },
      password: { type: "string", minLength: 13, maxLength: 99 },
    },
    PasswordResetRequest: { email: { type: "string", format: "email", maxLength: 301 } },
    PasswordResetConfirm: {
      password: { type: "string", minLength: 14, maxLength: 98 },
      token: { type: "string", minLength: 1, maxLength: 128 },
    },
  },
}));

describe("the account forms take their rules from the API's contract", () => {
  // Unmounted first: the pages left would re-render in English outside the test.
  afterEach(() => {
    cleanup();
    changeLanguage("en");
  });

  it("signing up: the password's hint and bounds, the email's kind and bound", () => {
    renderWithApp(<SignupPage />);
    const password = screen.getByLabelText("Password");
    expect(password).toHaveAccessibleDescription(/^At least 13 characters/);
    expect(password).toHaveAttribute("minlength", "13");
    expect(password).toHaveAttribute("maxlength", "99");
    const email = screen.getByLabelText("Email");
    expect(email).toHaveAttribute("type", "email");
    expect(email).toHaveAttribute("maxlength", "300");
  });

  it("choosing a new password: the same hint and bounds, from the reset's own schema", () => {
    renderWithApp(<ResetPasswordPage />, "/reset-password?token=t");
    const password = screen.getByLabelText("New password");
    expect(password).toHaveAccessibleDescription(/^At least 14 characters/);
    expect(password).toHaveAttribute("minlength", "14");
    expect(password).toHaveAttribute("maxlength", "98");
  });

  it("in Simplified Chinese, the hint keeps the contract's number", () => {
    changeLanguage("zh-Hans");
    renderWithApp(<SignupPage />);
    expect(screen.getByLabelText("密码")).toHaveAccessibleDescription(/^至少 13 个字符/);
  });

  it("asking for a reset: the email's kind and bound", () => {
    renderWithApp(<ForgotPasswordPage />);
    const email = screen.getByLabelText("Email");
    expect(email).toHaveAttribute("type", "email");
    expect(email).toHaveAttribute("maxlength", "301");
  });
});
