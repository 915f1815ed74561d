import { screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { calendarUrl, type Plan, type PlanSummary, type PlanWorkout } from "../plans/queries";
import { json, mockApi, renderWithApp } from "../test/render";
import { NextWorkouts } from "./NextWorkouts";

afterEach(() => vi.unstubAllGlobals());

const PACE = { slow_s_per_km: 437, fast_s_per_km: 390 };

function workout(id: number, date: string, kind: PlanWorkout["kind"], km: number, status: PlanWorkout["status"] = "planned") {
  return { id, date, kind, distance_m: km * 1000, duration_s: km * 400, pace: PACE, description: "", status, runs: [] };
}

function summary(id: number, race_name: string, race_date: string): PlanSummary {
  return { id, race_name, race_date, today: "2026-12-01" } as unknown as PlanSummary;
}

const NEXT_RACE = summary(7, "Harbour Half", "2027-02-20");
const DETAIL = {
  ...NEXT_RACE,
  weeks: [
    {
      index: 1,
      workouts: [
        workout(1, "2026-11-29", "easy", 5, "missed"),
        workout(2, "2026-12-01", "easy", 4, "done"),
        workout(3, "2026-12-02", "tempo", 6),
        workout(4, "2026-12-04", "easy", 5),
        workout(5, "2026-12-06", "long", 12),
        workout(6, "2026-12-08", "intervals", 7),
      ],
    },
  ],
} as unknown as Plan;

function api(plans: PlanSummary[]) {
  return mockApi((request) => {
    const url = new URL(request.url);
    if (url.pathname === "/api/plans") return json({ items: plans });
    if (url.pathname === "/api/plans/7") return json(DETAIL);
    return json({ title: "Not found", status: 404, detail: "No such route." }, 404);
  });
}

describe("the next workouts on Home", () => {
  it("lists the three workouts still to run in the plan of the next race", async () => {
    // A past race's plan and a later race's plan are not the ones to follow now.
    api([summary(3, "Autumn 10k", "2026-10-04"), summary(9, "Spring Marathon", "2027-04-11"), NEXT_RACE]);
    renderWithApp(<NextWorkouts units="km" />);

    const rows = await screen.findAllByTestId("next-workout");
    expect(rows.map((row) => row.textContent)).toEqual([
      expect.stringContaining("Tempo 6.0 km"),
      expect.stringContaining("Easy 5.0 km"),
      expect.stringContaining("Long run 12.0 km"),
    ]);
    expect(rows[0]).toHaveTextContent("6:30–7:17 /km");
    expect(screen.getByRole("link", { name: "Harbour Half" })).toHaveAttribute("href", "/plans/7");
  });

  it("gives distances and paces in miles to a runner who counts in miles", async () => {
    api([NEXT_RACE]);
    renderWithApp(<NextWorkouts units="mi" />);
    const rows = await screen.findAllByTestId("next-workout");
    expect(within(rows[0]).getByText(/\/mi/)).toBeInTheDocument();
    expect(rows[0]).toHaveTextContent("3.7 mi");
  });

  it("asks for the plan's texts (descriptions, warnings) in the runner's units", async () => {
    const asked: string[] = [];
    const fetchMock = api([NEXT_RACE]);
    fetchMock.mockImplementation((input: RequestInfo | URL) => {
      const url = new URL(String(input instanceof Request ? input.url : input), window.location.origin);
      asked.push(url.pathname + url.search);
      return Promise.resolve(url.pathname === "/api/plans" ? json({ items: [NEXT_RACE] }) : json(DETAIL));
    });
    renderWithApp(<NextWorkouts units="mi" />);
    await screen.findAllByTestId("next-workout");
    expect(asked).toContain("/api/plans/7?units=mi");
    expect(calendarUrl(7, "mi")).toBe("/api/plans/7.ics?units=mi");
  });

  it("says how to get a plan when no race ahead has one", async () => {
    api([summary(3, "Autumn 10k", "2026-10-04")]);
    renderWithApp(<NextWorkouts units="km" />);
    expect(await screen.findByText(/No plan for a race ahead/)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Create a plan" })).toHaveAttribute("href", "/plans");
  });
});
