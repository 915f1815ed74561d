import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
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
