import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Profile } from "../api/client";
import { json, mockApi, renderWithApp } from "../test/render";
import { ProfileForm } from "./ProfileForm";

afterEach(() => vi.unstubAllGlobals());

const PROFILE: Profile = {
  display_name: "Ada",
  sex: "female",
  time_zone: "UTC",
  units: "km",
  birth_year: 1990,
  weight_kg: 61.5,
  max_hr: 190,
  resting_hr: 48,
  vo2max: 52.5,
};

// Every number of the profile, by its label.
const NUMBER_FIELDS = ["Birth year", "Weight (kg)", "Max heart rate (bpm)", "Resting heart rate (bpm)", "VO2max (ml/kg/min)"];

// Values that are not a number the field takes: units typed along, words, a stray sign,
// a number in another notation, a fraction where a whole number is wanted, out of range.
const UNREADABLE = ["70 kg", "seventy", "-", "1e3x", "12..5", "0x10", "Infinity"];

function watchSaves() {
  const sent: Record<string, unknown>[] = [];
  mockApi(async (request) => {
    const body = (await request.json()) as Record<string, unknown>;
    sent.push(body);
    return json({ account: { id: "u1", email: "ada@example.com" }, profile: { ...PROFILE, ...body } });
  });
  return sent;
}

describe("saving the profile", () => {
  for (const label of NUMBER_FIELDS) {
    for (const value of UNREADABLE) {
      it(`refuses "${value}" in ${label} next to the field, and sends nothing`, async () => {
        const sent = watchSaves();
        renderWithApp(<ProfileForm profile={PROFILE} />);
        const input = screen.getByLabelText(label);
        await userEvent.clear(input);
        await userEvent.type(input, value);
        await userEvent.click(screen.getByRole("button", { name: "Save profile" }));

        expect(input).toHaveAttribute("aria-invalid", "true");
        expect(input).toHaveAccessibleDescription(/^Enter/);
        expect(sent).toEqual([]);
        expect(screen.queryByText("Profile saved.")).toBeNull();
      });
    }
  }

  it.each([
    ["Birth year", "1990.5", /whole number/],
    ["Max heart rate (bpm)", "300", /from 60 to 260/],
    ["Resting heart rate (bpm)", "10", /from 20 to 150/],
    ["Weight (kg)", "0", /more than 0/],
    ["VO2max (ml/kg/min)", "101", /up to 100/],
  ])("checks %s against the API's own bounds (%s)", async (label, value, message) => {
    const sent = watchSaves();
    renderWithApp(<ProfileForm profile={PROFILE} />);
    const input = screen.getByLabelText(label);
    await userEvent.clear(input);
    await userEvent.type(input, value);
    await userEvent.click(screen.getByRole("button", { name: "Save profile" }));

    expect(input).toHaveAccessibleDescription(message);
    expect(sent).toEqual([]);
  });

  it("sends only what the runner changed: a field left alone is never cleared", async () => {
    const sent = watchSaves();
    renderWithApp(<ProfileForm profile={PROFILE} />);
    const weight = screen.getByLabelText("Weight (kg)");
    await userEvent.clear(weight);
    await userEvent.type(weight, "70,5");
    const vo2max = screen.getByLabelText("VO2max (ml/kg/min)");
    await userEvent.clear(vo2max);
    await userEvent.click(screen.getByRole("button", { name: "Save profile" }));

    expect(await screen.findByText("Profile saved.")).toBeInTheDocument();
    // Cleared by the runner: null; changed: the number; untouched: not sent at all.
    expect(sent).toEqual([{ weight_kg: 70.5, vo2max: null }]);
  });
});
