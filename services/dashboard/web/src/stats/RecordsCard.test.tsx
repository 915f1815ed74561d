import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { json, mockApi, renderWithApp } from "../test/render";
import RecordsCard from "./RecordsCard";

afterEach(() => vi.unstubAllGlobals());

function me(units: "km" | "mi") {
  return {
    account: { id: "u1", email: "ada@example.com", confirmed: true, created_at: "2026-01-01T00:00:00Z" },
    profile: { units, time_zone: "Pacific/Auckland" },
  };
}

const RECORDS = [
  { distance: "1k", distance_m: 1000, elapsed_time_s: 236, run_id: 12, started_at: "2026-04-01T23:30:00Z" },
  { distance: "5k", distance_m: 5000, elapsed_time_s: 1200, run_id: 7, started_at: "2026-03-01T07:00:00Z" },
  { distance: "half", distance_m: 21097.5, elapsed_time_s: 5405, run_id: 3, started_at: "2025-10-12T20:00:00Z" },
];

function api(units: "km" | "mi", records: () => Response) {
  return mockApi((request) => {
    const url = new URL(request.url);
    if (url.pathname === "/api/me") return json(me(units));
    if (url.pathname === "/api/records") return records();
    return json({ title: "Not found", status: 404, detail: "No such route." }, 404);
  });
}

describe("the personal records card", () => {
  it("shows each record's time, pace in the runner's units, and day, linked to its run", async () => {
    api("km", () => json({ items: RECORDS }));
    renderWithApp(<RecordsCard />);
    expect(screen.getByRole("status")).toHaveTextContent("Loading records");

    const rows = await screen.findAllByTestId("record-row");
    expect(rows.map((row) => within(row).getByRole("rowheader").textContent)).toEqual([
      "1 km", "5 km", "Half marathon",
    ]);
    expect(rows[1]).toHaveTextContent("20:00");
    expect(rows[1]).toHaveTextContent("4:00 /km");
    expect(rows[2]).toHaveTextContent("1:30:05");
    expect(rows[2]).toHaveTextContent("4:16 /km");
    // 23:30 UTC on 1 April is already 2 April in Auckland, where the runner lives.
    const link = within(rows[0]).getByRole("link");
    expect(link).toHaveAttribute("href", "/runs/12");
    expect(link.textContent).toMatch(/Apr 2, 2026|2 Apr 2026/);
  });

  it("gives paces per mile to a runner who counts in miles", async () => {
    api("mi", () => json({ items: RECORDS }));
    renderWithApp(<RecordsCard />);
    expect(await screen.findByText("6:26 /mi")).toBeInTheDocument();
    expect(screen.queryByText(/\/km/)).toBeNull();
  });

  it("says what will show when there are no records yet", async () => {
    api("km", () => json({ items: [] }));
    renderWithApp(<RecordsCard />);
    expect(await screen.findByText(/No records yet/)).toBeInTheDocument();
    expect(screen.queryByRole("table")).toBeNull();
  });

  it("says so when the records cannot be read, and retries", async () => {
    let down = true;
    const fetchMock = api("km", () =>
      down
        ? json({ title: "Service unavailable", status: 503, detail: "dataservice is unavailable" }, 503)
        : json({ items: RECORDS.slice(0, 1) }),
    );
    renderWithApp(<RecordsCard />);
    expect(await screen.findByRole("alert")).toHaveTextContent(/unavailable right now/);
    down = false;
    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findAllByTestId("record-row")).toHaveLength(1);
    const asked = fetchMock.mock.calls.map(([input]) => new URL(String(input instanceof Request ? input.url : input)).pathname);
    expect(asked.filter((path) => path === "/api/records")).toHaveLength(2);
  });
});
