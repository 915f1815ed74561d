import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import SettingsPage from "../me/SettingsPage";
import { json, mockApi, renderWithApp } from "../test/render";
import { endedMonths, formatChange, monthOf, type ReportContent } from "./content";
import ReportPage from "./ReportPage";
import ReportsPage from "./ReportsPage";

afterEach(() => vi.unstubAllGlobals());

// jsdom has no canvas to draw on: the chart stands as its box and its data (the browser
// tests draw the real one).
vi.mock("../charts/Chart", () => ({
  default: ({ option, label, testId }: { option: { series: { data: number[] }[] }; label: string; testId?: string }) => (
    <div role="img" aria-label={label} data-testid={testId} data-values={option.series[0].data.join(" ")} />
  ),
}));

function me(units: "km" | "mi" = "km") {
  return {
    account: { id: "u1", email: "ada@example.com", confirmed: true, created_at: "2026-01-01T00:00:00Z" },
    profile: { units, time_zone: "Europe/Paris" },
  };
}

const none = { runs: 0, distance_m: 0, moving_time_s: 0, elevation_gain_m: 0 };
const CONTENT: ReportContent = {
  version: 1,
  display_name: "Ada",
  runner_id: "r-ada",
  month: "2026-10",
  time_zone: "Europe/Paris",
  language: "en",
  units: "km",
  as_of: "2026-11-01",
  has_runs: true,
  totals: { runs: 3, distance_m: 23000, moving_time_s: 7280, elevation_gain_m: 120 },
  comparisons: [
    { kind: "previous_month", month: "2026-09", totals: { runs: 2, distance_m: 19000, moving_time_s: 6000, elevation_gain_m: 80 },
      distance_change_m: 4000, distance_change_pct: 21, moving_time_change_s: 1280, runs_change: 1 },
    { kind: "last_year", month: "2025-10", totals: none, distance_change_m: 23000, distance_change_pct: null,
      moving_time_change_s: 7280, runs_change: 3 },
  ],
  longest_run: { run_id: 11, name: "Run of the 10th", day: "2026-10-10", distance_m: 10000, moving_time_s: 3300, pace_s_per_km: 330 },
  fastest_run: { run_id: 12, name: "Run of the 17th", day: "2026-10-17", distance_m: 8000, moving_time_s: 2480, pace_s_per_km: 310 },
  best_efforts: [
    { distance: "5k", distance_m: 5000, elapsed_time_s: 1490, run_id: 12, day: "2026-10-17", previous_best_s: 1530 },
    { distance: "10k", distance_m: 10000, elapsed_time_s: 3300, run_id: 11, day: "2026-10-10", previous_best_s: null },
  ],
  weeks: [
    { week_start: "2026-09-28", first_day: "2026-10-01", last_day: "2026-10-04", runs: 1, distance_m: 5000 },
    { week_start: "2026-10-05", first_day: "2026-10-05", last_day: "2026-10-11", runs: 1, distance_m: 10000 },
    { week_start: "2026-10-12", first_day: "2026-10-12", last_day: "2026-10-18", runs: 1, distance_m: 8000 },
    { week_start: "2026-10-19", first_day: "2026-10-19", last_day: "2026-10-25", runs: 0, distance_m: 0 },
    { week_start: "2026-10-26", first_day: "2026-10-26", last_day: "2026-10-31", runs: 0, distance_m: 0 },
  ],
  plan: { plan_id: 4, name: "Autumn Half", planned: 12, done: 9, missed: 3, share: 0.75, share_pct: 75 },
  next_race: { race_id: 2, name: "Autumn Half", date: "2026-11-22", distance_m: 21097.5, days_to_go: 21, predicted_time_s: 6420 },
  prediction_basis: { distance: "5k", distance_m: 5000, elapsed_time_s: 1490, run_id: 12, day: "2026-10-17" },
  predictions: [
    { distance: "5k", distance_m: 5000, time_s: 1490 },
    { distance: "10k", distance_m: 10000, time_s: 3106 },
  ],
};

function summary(month: string, runs = 3) {
  return { month, status: "sent", created_at: "2026-11-01T03:00:00Z", sent_at: "2026-11-01T03:00:05Z",
    send_count: 1, has_runs: runs > 0, runs, distance_m: runs ? 23000 : 0 };
}

function report(month = "2026-10", content: Partial<ReportContent> = {}) {
  return { ...summary(month), content: { ...CONTENT, month, ...content } };
}

type Routes = Record<string, (request: Request) => Response | Promise<Response>>;

function api(routes: Routes, units: "km" | "mi" = "km") {
  return mockApi((request) => {
    const url = new URL(request.url);
    if (url.pathname === "/api/me") return json(me(units));
    if (url.pathname === "/api/reports/subscription" && request.method === "GET" && !("GET subscription" in routes))
      return json({ subscribed: true });
    for (const [key, handler] of Object.entries(routes)) {
      const [method, path] = key.split(" ");
      const matches = path === "subscription" ? url.pathname === "/api/reports/subscription" : url.pathname === path;
      if (method === request.method && matches) return handler(request);
    }
    throw new Error(`unexpected ${request.method} ${url.pathname}`);
  });
}

function renderReport(path: string) {
  return renderWithApp(
    <Routes>
      <Route path="/reports" element={<p>Reports list</p>} />
      <Route path="/reports/:month" element={<ReportPage />} />
    </Routes>,
    path,
  );
}

describe("the reports list", () => {
  it("shows loading, then the months newest first, each opening its report", async () => {
    api({ "GET /api/reports": () => json({ items: [summary("2026-10"), summary("2026-09", 0)] }) });
    renderWithApp(<ReportsPage />);
    expect(screen.getAllByRole("status")[0]).toHaveTextContent("Loading reports");
    const [october, september] = await screen.findAllByTestId("report-item");
    expect(within(october).getByRole("link", { name: "October 2026" })).toHaveAttribute("href", "/reports/2026-10");
    expect(october).toHaveTextContent("3 runs · 23.0 km · mailed");
    expect(within(september).getByRole("link", { name: "September 2026" })).toBeInTheDocument();
    expect(september).toHaveTextContent("No runs");
    expect(await screen.findByRole("checkbox", { name: "Mail me my monthly report" })).toBeChecked();
  });

  it("says when the first report comes when there is none", async () => {
    api({ "GET /api/reports": () => json({ items: [] }) });
    renderWithApp(<ReportsPage />);
    expect(await screen.findByText("Your first report arrives on the 1st of next month.")).toBeInTheDocument();
  });

  it("says so when the reports service is down, and retries", async () => {
    let down = true;
    api({
      "GET /api/reports": () =>
        down ? json({ title: "Service unavailable", status: 503, detail: "reports is unavailable" }, 503) : json({ items: [summary("2026-10")] }),
    });
    renderWithApp(<ReportsPage />);
    expect(await screen.findByRole("alert")).toHaveTextContent(/unavailable right now/);
    down = false;
    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByTestId("report-item")).toBeInTheDocument();
  });

  it("asks for a past month that has no report, and opens it once built", async () => {
    document.cookie = "runnerly_csrf=tok";
    const last = endedMonths(new Date(), "Europe/Paris", 1)[0];
    const sent: string[] = [];
    api({
      "GET /api/reports": () => json({ items: [summary(last)] }),
      [`POST /api/reports/${endedMonths(new Date(), "Europe/Paris", 2)[1]}/send`]: (request) => {
        expect(request.headers.get("X-CSRF-Token")).toBe("tok");
        sent.push(new URL(request.url).pathname);
        return json(report(endedMonths(new Date(), "Europe/Paris", 2)[1]), 202);
      },
    });
    renderWithApp(
      <Routes>
        <Route path="/reports" element={<ReportsPage />} />
        <Route path="/reports/:month" element={<ReportPage />} />
      </Routes>,
      "/reports",
    );
    await screen.findByTestId("report-item");
    const month = screen.getByLabelText("Month");
    // The month that has its report is not offered again.
    expect(within(month).queryByRole("option", { name: new RegExp(`^${new Intl.DateTimeFormat(undefined, { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${last}-01T00:00:00Z`))}$`) })).toBeNull();
    expect(within(month).getAllByRole("option")).toHaveLength(23);
    await userEvent.click(screen.getByRole("button", { name: "Build the report" }));
    expect(await screen.findByText(/Built and sent: the report is on its way to ada@example.com/)).toBeInTheDocument();
    expect(sent).toHaveLength(1);
    expect(screen.getByTestId("report-totals")).toHaveTextContent("23.0 km");
  });
});

describe("a report", () => {
  it("shows the month's figures, the comparisons, highlights, weeks, plan, race and predictions", async () => {
    api({ "GET /api/reports/2026-10": () => json(report()) });
    renderReport("/reports/2026-10");
    expect(await screen.findByRole("heading", { level: 1, name: "Your October 2026 in running" })).toBeInTheDocument();
    const totals = await screen.findByTestId("report-totals");
    expect(totals).toHaveTextContent("Distance23.0 km");
    expect(totals).toHaveTextContent("Moving time2 h 01 min");
    expect(totals).toHaveTextContent("Runs3");
    expect(totals).toHaveTextContent("Elevation gain120 m");
    const comparisons = screen.getByTestId("report-comparisons");
    expect(comparisons).toHaveTextContent("Against September 2026+4.0 km (+21 %) · 19.0 km, 2 runs then");
    expect(comparisons).toHaveTextContent("Against October 2025no runs then");
    const highlights = screen.getByTestId("report-highlights");
    expect(highlights).toHaveTextContent("Longest run10.0 km in 55:00");
    expect(within(highlights).getByRole("link", { name: "Run of the 10th" })).toHaveAttribute("href", "/runs/11");
    expect(highlights).toHaveTextContent("Fastest pace5:10 /km");
    const efforts = screen.getByTestId("report-efforts");
    expect(efforts).toHaveTextContent("5 km24:50");
    expect(efforts).toHaveTextContent("was 25:30");
    expect(efforts).toHaveTextContent("10 km55:00");
    expect(efforts).toHaveTextContent("your first at this distance");
    const weeks = screen.getAllByTestId("report-week");
    expect(weeks).toHaveLength(5);
    expect(within(weeks[0]).getAllByRole("cell").map((cell) => cell.textContent)).toEqual([
      // The week as a date range in the language shown (English here), not a hand-made "1–4 Oct".
      new Intl.DateTimeFormat("en", { day: "numeric", month: "short", timeZone: "UTC" }).formatRange(
        new Date(Date.UTC(2026, 9, 1)), new Date(Date.UTC(2026, 9, 4))),
      "1",
      "5.0 km",
    ]);
    expect(await screen.findByRole("img", { name: "Distance per week, in km" })).toHaveAttribute("data-values", "5 10 8 0 0");
    expect(screen.getByTestId("report-plan")).toHaveTextContent("Workouts done9 of 12 · 75 %");
    expect(within(screen.getByTestId("report-plan")).getByRole("link", { name: "Autumn Half" })).toHaveAttribute("href", "/plans/4");
    expect(screen.getByTestId("report-race")).toHaveTextContent("Countdownin 21 days");
    expect(screen.getByTestId("report-race")).toHaveTextContent("Predicted time1:47:00");
    expect(screen.getByTestId("report-predictions")).toHaveTextContent("10 km51:46");
    expect(screen.getByRole("link", { name: "Download PDF" })).toHaveAttribute("href", "/api/reports/2026-10.pdf");
  });

  it("shows the figures in the units of the profile", async () => {
    api({ "GET /api/reports/2026-10": () => json(report()) }, "mi");
    renderReport("/reports/2026-10");
    await screen.findByText(/Mailed/);
    // The report was built for a runner in km; the profile says miles now.
    expect(await screen.findByTestId("report-totals")).toHaveTextContent("14.3 mi");
    expect(screen.getByTestId("report-totals")).toHaveTextContent("394 ft");
    expect(screen.getByTestId("report-highlights")).toHaveTextContent("8:19 /mi");
  });

  it("has a kind word for a month without runs, and no empty tables", async () => {
    api({
      "GET /api/reports/2026-10": () =>
        json(report("2026-10", { has_runs: false, totals: none, longest_run: null, fastest_run: null, best_efforts: [],
          weeks: [], plan: null, next_race: null, prediction_basis: null, predictions: [] })),
    });
    renderReport("/reports/2026-10");
    expect(await screen.findByTestId("report-no-runs")).toHaveTextContent(
      "No runs were recorded in October 2026. Rest is part of training too",
    );
    expect(screen.queryByTestId("report-totals")).toBeNull();
    expect(screen.queryByRole("table")).toBeNull();
  });

  it("sends it again and says where", async () => {
    document.cookie = "runnerly_csrf=tok";
    let sends = 0;
    api({
      "GET /api/reports/2026-10": () => json(report()),
      "POST /api/reports/2026-10/send": (request) => {
        expect(request.headers.get("X-CSRF-Token")).toBe("tok");
        sends += 1;
        return json({ ...report(), send_count: 2 }, 202);
      },
    });
    renderReport("/reports/2026-10");
    await userEvent.click(await screen.findByRole("button", { name: "Send it again" }));
    expect(await screen.findByText("Sent: the report is on its way to ada@example.com.")).toBeInTheDocument();
    expect(screen.getByText(/\(2 mails\)/)).toBeInTheDocument();
    expect(sends).toBe(1);
  });

  it("says why it cannot send", async () => {
    api({
      "GET /api/reports/2026-10": () => json(report()),
      "POST /api/reports/2026-10/send": () => json({ title: "Service unavailable", status: 503, detail: "mailer down" }, 503),
    });
    renderReport("/reports/2026-10");
    await userEvent.click(await screen.findByRole("button", { name: "Send it again" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(/unavailable right now/);
  });

  it("offers to build a month that has no report yet", async () => {
    let built = false;
    api({
      "GET /api/reports/2026-08": () =>
        built ? json(report("2026-08")) : json({ title: "Not found", status: 404, detail: "No report of August 2026 has been built." }, 404),
      "POST /api/reports/2026-08/send": () => {
        built = true;
        return json(report("2026-08"), 202);
      },
    });
    renderReport("/reports/2026-08");
    expect(await screen.findByText("There is no report of August 2026 yet.")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Build the report" }));
    expect(await screen.findByTestId("report-totals")).toHaveTextContent("23.0 km");
  });

  it("refuses what is not a month without asking", () => {
    const fetchMock = api({});
    renderReport("/reports/last-month");
    expect(screen.getByRole("heading", { name: "No such month" })).toBeInTheDocument();
    expect(fetchMock.mock.calls.every(([input]) => !String(input instanceof Request ? input.url : input).includes("/api/reports"))).toBe(true);
  });
});

describe("the monthly mail setting", () => {
  it("opts out and back in from Settings, and goes back when refused", async () => {
    document.cookie = "runnerly_csrf=tok";
    const asked: unknown[] = [];
    let refuse = false;
    api({
      "GET /api/strava": () => json({ linked: false, demo: true, athlete_id: null, sync: null }),
      "PUT subscription": async (request) => {
        expect(request.headers.get("X-CSRF-Token")).toBe("tok");
        const body = (await request.json()) as { subscribed: boolean };
        asked.push(body);
        return refuse ? json({ title: "Service unavailable", status: 503, detail: "down" }, 503) : json(body);
      },
    });
    renderWithApp(<SettingsPage />);
    const box = await screen.findByRole("checkbox", { name: "Mail me my monthly report" });
    expect(box).toBeChecked();
    expect(box).toHaveAccessibleDescription(/1st of each month/);
    await userEvent.click(box);
    expect(await screen.findByText("No more report mails.")).toBeInTheDocument();
    expect(box).not.toBeChecked();
    await userEvent.click(box);
    expect(await screen.findByText("You will get your report by mail.")).toBeInTheDocument();
    expect(box).toBeChecked();
    refuse = true;
    await userEvent.click(box);
    expect(await screen.findByRole("alert")).toHaveTextContent(/unavailable right now/);
    expect(box).toBeChecked();
    expect(asked).toEqual([{ subscribed: false }, { subscribed: true }, { subscribed: false }]);
  });
});

describe("report wording", () => {
  it("counts the months ended on the runner's clock", () => {
    // 23:30 UTC on 31 December is already January in Paris, still December in New York.
    const instant = new Date("2026-12-31T23:30:00Z");
    expect(monthOf(instant, "Europe/Paris")).toBe("2027-01");
    expect(endedMonths(instant, "Europe/Paris", 2)).toEqual(["2026-12", "2026-11"]);
    expect(endedMonths(instant, "America/New_York", 1)).toEqual(["2026-11"]);
  });

  it("words changes as the mail does", () => {
    const [previous, lastYear] = CONTENT.comparisons;
    expect(formatChange({ ...previous, distance_change_m: -2500, distance_change_pct: -12 }, "km")).toBe("−2.5 km (−12 %)");
    expect(formatChange(lastYear, "km")).toBe("no runs then");
  });

  it("shows each percentage as the report rounded it, never rounding again", async () => {
    // The report rounds once (halves away from zero) for the web, the mail and the PDF alike;
    // figures a second rounding would change show that the page does not round on its own.
    const [previous, lastYear] = CONTENT.comparisons;
    api({ "GET /api/reports/2026-10": () => json(report("2026-10", {
      comparisons: [{ ...previous, distance_change_m: -850, distance_change_pct: -9 }, lastYear],
      plan: { plan_id: 4, name: "Autumn Half", planned: 8, done: 1, missed: 7, share: 0.125, share_pct: 12 },
    })) });
    renderReport("/reports/2026-10");
    expect(await screen.findByTestId("report-plan")).toHaveTextContent("Workouts done1 of 8 · 12 %");
    expect(screen.getByTestId("report-comparisons")).toHaveTextContent("(−9 %)");
  });
});
