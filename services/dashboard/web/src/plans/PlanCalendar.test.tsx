import { cleanup, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { changeLanguage } from "../i18n/i18n";
import { json, mockApi, renderWithApp } from "../test/render";
import { CreatePlanForm } from "./CreatePlanForm";
import { parseGoal } from "./format";
import { PlanCalendar } from "./PlanCalendar";
import type { PlanWeek } from "./queries";

afterEach(() => vi.unstubAllGlobals());

const pace = { slow_s_per_km: 330, fast_s_per_km: 295 };
const adherence = { workouts_due: 2, workouts_done: 1, planned_distance_m: 20000, done_distance_m: 8100, ratio: 0.5 };
const WEEK: PlanWeek = {
  index: 0,
  start: "2026-03-09",
  end: "2026-03-15",
  phase: "build",
  cutback: false,
  planned_distance_m: 20000,
  adherence,
  unplanned_runs: [{ run_id: 9, date: "2026-03-12", distance_m: 5000, moving_time_s: 1600 }],
  workouts: [
    {
      id: 1, date: "2026-03-10", kind: "tempo", distance_m: 8000, duration_s: 2500, pace,
      description: "2 km easy, 4 km at threshold pace, 2 km easy", status: "done", judgement: "done_off_pace",
      runs: [{ run_id: 7, date: "2026-03-10", distance_m: 8100, moving_time_s: 2580 }],
    },
    {
      id: 2, date: "2026-03-15", kind: "long", distance_m: 12000, duration_s: 3900, pace,
      description: "Long run: 12.0 km", status: "missed", judgement: "missed", runs: [],
    },
  ],
};

describe("the plan calendar", () => {
  it("shows a row per week, each workout with its target and its match, rest days between", () => {
    renderWithApp(<PlanCalendar weeks={[WEEK]} today="2026-03-10" units="km" />);
    const row = screen.getByTestId("plan-week");
    expect(row).toHaveTextContent("Week 1");
    expect(row).toHaveTextContent("1/2 done");
    const [tempo, long] = within(row).getAllByTestId("workout");
    expect(tempo).toHaveTextContent("Tempo");
    expect(tempo).toHaveTextContent("8.0 km");
    expect(tempo).toHaveTextContent("4:55–5:30 /km");
    expect(tempo).toHaveTextContent("Done, off pace");
    expect(tempo).toHaveTextContent("Ran 8.1 km in 43:00");
    expect(long).toHaveTextContent("Long run");
    expect(long).toHaveTextContent("Missed");
    // Monday, Wednesday, Thursday (a run on a rest day) and Friday, Saturday are rest days.
    expect(within(row).getAllByText("Rest")).toHaveLength(5);
    expect(row).toHaveTextContent("Ran 5.0 km");
  });

  it("shows paces and distances in miles for a runner in miles", () => {
    renderWithApp(<PlanCalendar weeks={[WEEK]} today="2026-03-10" units="mi" />);
    const [tempo] = screen.getAllByTestId("workout");
    expect(tempo).toHaveTextContent("5.0 mi");
    expect(tempo).toHaveTextContent("7:55–8:51 /mi");
  });
});

describe("a run far longer than its workout", () => {
  afterEach(() => {
    cleanup();
    changeLanguage("en");
  });

  const week: PlanWeek = {
    ...WEEK,
    workouts: [{ ...WEEK.workouts[1], status: "done", judgement: "done_too_long",
      runs: [{ run_id: 8, date: "2026-03-15", distance_m: 30000, moving_time_s: 10200 }] }],
  };

  it("is done, and said too long", () => {
    renderWithApp(<PlanCalendar weeks={[week]} today="2026-03-16" units="km" />);
    const [long] = screen.getAllByTestId("workout");
    expect(long).toHaveTextContent("Done, too long");
    expect(long).toHaveTextContent("Ran 30.0 km");
  });

  it("is said too long in Chinese", () => {
    changeLanguage("zh-Hans");
    renderWithApp(<PlanCalendar weeks={[week]} today="2026-03-16" units="km" />);
    expect(screen.getAllByTestId("workout")[0]).toHaveTextContent("已完成，距离过长");
  });
});

describe("the plan calendar in Chinese", () => {
  // Unmounted first: the calendar would otherwise re-render in English outside the test.
  afterEach(() => {
    cleanup();
    changeLanguage("en");
  });

  it("names the workouts and how they went, and words their details in miles", () => {
    changeLanguage("zh-Hans");
    // The plans service's descriptions, as it writes them for a runner in miles.
    const week: PlanWeek = {
      ...WEEK,
      workouts: [
        { ...WEEK.workouts[0], description: "1.2 mi easy, 2.5 mi at threshold pace (8:51-7:55/mi), 1.2 mi easy" },
        { ...WEEK.workouts[1], description: "Long run: 7.5 mi at an easy, conversational pace (9:40-8:51/mi)" },
      ],
    };
    renderWithApp(<PlanCalendar weeks={[week]} today="2026-03-10" units="mi" />);
    expect(screen.getByRole("button", { name: "今天" })).toBeInTheDocument();
    const row = screen.getByTestId("plan-week");
    expect(row).toHaveTextContent("第 1 周");
    expect(row).toHaveTextContent("提升期 · 本周");
    expect(row).toHaveTextContent("已完成 1/2");
    const [tempo, long] = within(row).getAllByTestId("workout");
    expect(tempo).toHaveTextContent("节奏跑");
    expect(tempo).toHaveTextContent("5.0 mi");
    expect(tempo).toHaveTextContent("已完成，配速未达标");
    expect(tempo).toHaveTextContent("跑了 5.0 mi，用时 43:00");
    expect(within(tempo).getByText("详情")).toBeInTheDocument();
    expect(tempo).toHaveTextContent("轻松跑 1.2 mi，乳酸阈配速跑 2.5 mi（7:55–8:51 /mi），再轻松跑 1.2 mi");
    expect(long).toHaveTextContent("长距离跑");
    expect(long).toHaveTextContent("未完成");
    expect(long).toHaveTextContent("长距离跑 7.5 mi，用轻松、能边跑边聊的配速（7:55–8:51 /mi）");
    expect(within(row).getAllByText("休息")).toHaveLength(5);
    expect(row).toHaveTextContent("跑了 3.1 mi");
  });
});

describe("the plan calendar's folds", () => {
  const weeks: PlanWeek[] = Array.from({ length: 12 }, (_, i) => {
    const start = new Date(Date.UTC(2026, 2, 9 + 7 * i)).toISOString().slice(0, 10);
    const end = new Date(Date.UTC(2026, 2, 15 + 7 * i)).toISOString().slice(0, 10);
    return { ...WEEK, index: i, start, end, unplanned_runs: [],
      workouts: WEEK.workouts.map((w, j) => ({ ...w, id: 10 * i + j, date: j === 0 ? start : end })) };
  });

  it("opens on this week and the next, the others folded", () => {
    renderWithApp(<PlanCalendar weeks={weeks} today="2026-04-08" units="km" />);
    const rows = screen.getAllByTestId("plan-week");
    expect(rows).toHaveLength(12);
    const open = rows.filter((row) => (row as HTMLDetailsElement).open).map((row) => row.dataset.week);
    expect(open).toEqual(["4", "5"]);
    expect(rows[4]).toHaveTextContent("this week");
    expect(within(rows[0]).queryAllByTestId("workout")).toHaveLength(0);
    expect(within(rows[4]).getAllByTestId("workout")).toHaveLength(2);
  });

  it("brings this week back with Today", async () => {
    const scrolled = vi.fn();
    Element.prototype.scrollIntoView = scrolled;
    renderWithApp(<PlanCalendar weeks={weeks} today="2026-04-08" units="km" />);
    const rows = screen.getAllByTestId("plan-week");
    await userEvent.click(within(rows[4]).getByText("Week 5"));
    expect((rows[4] as HTMLDetailsElement).open).toBe(false);
    await userEvent.click(screen.getByRole("button", { name: "Today" }));
    expect((rows[4] as HTMLDetailsElement).open).toBe(true);
    expect(scrolled).toHaveBeenCalled();
  });
});

describe("creating a plan", () => {
  it("reads goal times written as a runner writes them", () => {
    expect(parseGoal("")).toBeNull();
    expect(parseGoal("1:45:00")).toBe(6300);
    expect(parseGoal("45:30")).toBe(2730);
    expect(parseGoal("soon")).toBeNaN();
  });

  it("makes a plan for the race it came from and opens it", async () => {
    document.cookie = "runnerly_csrf=tok";
    const sent: unknown[] = [];
    mockApi(async (request) => {
      const url = new URL(request.url);
      if (url.pathname === "/api/races") {
        return json({ items: [{ id: 3, name: "City 10K", date: "2026-05-03", distance_m: 10000, entrants: 1, entered: true }], next_cursor: null });
      }
      expect(request.method).toBe("POST");
      expect(request.headers.get("X-CSRF-Token")).toBe("tok");
      sent.push(await request.json());
      return json({ id: 12 }, 201);
    });
    renderWithApp(
      <Routes>
        <Route path="/plans" element={<CreatePlanForm units="km" raceId={3} />} />
        <Route path="/plans/:planId" element={<p>Plan page</p>} />
      </Routes>,
      "/plans?race=3",
    );
    expect(await screen.findByRole("option", { name: /City 10K/ })).toBeInTheDocument();
    expect(screen.getByLabelText("Race")).toHaveValue("3");
    await userEvent.selectOptions(screen.getByLabelText("Days a week you can run"), "5");
    await userEvent.selectOptions(screen.getByLabelText("Long run day"), "saturday");
    await userEvent.type(screen.getByLabelText("Goal time (optional)"), "48:00");
    await userEvent.selectOptions(screen.getByLabelText("If the goal is faster than your fitness predicts"), "keep_goal");
    await userEvent.click(screen.getByRole("button", { name: "Create plan" }));

    expect(await screen.findByText("Plan page")).toBeInTheDocument();
    expect(sent).toEqual([{ days_per_week: 5, long_run_day: "saturday", goal_time_s: 2880, goal_mode: "keep_goal", race_id: 3 }]);
  });

  it("says why no plan can be made", async () => {
    mockApi((request) =>
      new URL(request.url).pathname === "/api/races"
        ? json({ items: [], next_cursor: null })
        : json({ title: "Invalid input", status: 422, reason: "race_too_close",
            detail: "A 10k race needs at least 3 full weeks of training before race week." }, 422),
    );
    renderWithApp(<CreatePlanForm units="km" />);
    await userEvent.type(screen.getByLabelText("Race day"), "2026-03-20");
    await userEvent.type(screen.getByLabelText("Distance (km)"), "10");
    await userEvent.click(screen.getByRole("button", { name: "Create plan" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(/at least 3 full weeks/);
  });

  it("refuses an unreadable goal before asking", async () => {
    const fetchMock = mockApi(() => json({ items: [], next_cursor: null }));
    renderWithApp(<CreatePlanForm units="km" />);
    await userEvent.type(screen.getByLabelText("Goal time (optional)"), "fast");
    await userEvent.click(screen.getByRole("button", { name: "Create plan" }));
    expect(screen.getByLabelText("Goal time (optional)")).toHaveAccessibleDescription(/h:mm:ss/);
    expect(fetchMock.mock.calls.every(([input]) => !String(input instanceof Request ? input.url : input).includes("/api/plans"))).toBe(true);
  });
});
