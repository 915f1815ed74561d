import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import i18n, { changeLanguage } from "../i18n/i18n";
import { json, mockApi, renderWithApp } from "../test/render";
import RunsPage from "./RunsPage";

afterEach(() => vi.unstubAllGlobals());

const ME = {
  account: { id: "u1", email: "ada@example.com", confirmed: true, created_at: "2026-01-01T00:00:00Z" },
  profile: { units: "km", time_zone: "Europe/Paris" },
};

function run(id: number) {
  return {
    id,
    name: `Run ${id}`,
    started_at: "2026-10-01T05:00:00Z",
    distance_m: 10000,
    moving_time_s: 3000,
    elevation_gain_m: 50,
    average_hr: 150,
  };
}

function api(runs: (url: URL) => Response) {
  return mockApi((request) => {
    const url = new URL(request.url);
    if (url.pathname === "/api/me") return json(ME);
    return runs(url);
  });
}

describe("the runs list", () => {
  it("shows loading, then the runs in the runner's units and zone", async () => {
    api(() => json({ items: [run(1)], next_cursor: null }));
    renderWithApp(<RunsPage />);
    expect(screen.getByRole("status")).toHaveTextContent("Loading runs");
    const row = await screen.findByTestId("run-row");
    expect(within(row).getByRole("link", { name: "Run 1" })).toHaveAttribute("href", "/runs/1");
    expect(row).toHaveTextContent("10.00 km");
    expect(row).toHaveTextContent("50:00");
    expect(row).toHaveTextContent("5:00 /km");
    expect(row).toHaveTextContent("150 bpm");
    expect(row).toHaveTextContent("07:00");
    expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();
  });

  it("says how to get runs in when there are none", async () => {
    api(() => json({ items: [], next_cursor: null }));
    renderWithApp(<RunsPage />);
    expect(await screen.findByText("No runs yet.")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Link Strava" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Import files" })).toHaveAttribute("href", "/import");
  });

  it("says so when the runs service is down, and retries", async () => {
    let down = true;
    api(() =>
      down
        ? json({ title: "Service unavailable", status: 503, detail: "dataservice is unavailable" }, 503)
        : json({ items: [run(1)], next_cursor: null }),
    );
    renderWithApp(<RunsPage />);
    expect(await screen.findByRole("alert")).toHaveTextContent(/unavailable right now/);
    down = false;
    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByTestId("run-row")).toBeInTheDocument();
  });

  it("loads more by cursor", async () => {
    const fetchMock = api((url) =>
      url.searchParams.get("cursor") === "c2"
        ? json({ items: [run(3)], next_cursor: null })
        : json({ items: [run(1), run(2)], next_cursor: "c2" }),
    );
    renderWithApp(<RunsPage />);
    await screen.findAllByTestId("run-row");
    await userEvent.click(screen.getByRole("button", { name: "Load more" }));
    expect(await screen.findByText("Run 3")).toBeInTheDocument();
    expect(screen.getAllByTestId("run-row")).toHaveLength(3);
    expect(fetchMock).toHaveBeenCalled();
  });

  it("keeps the runs shown when the next page fails, and says why below them", async () => {
    api((url) =>
      url.searchParams.get("cursor") === "c2"
        ? json({ title: "Service unavailable", status: 503, detail: "dataservice is unavailable" }, 503)
        : json({ items: [run(1), run(2)], next_cursor: "c2" }),
    );
    renderWithApp(<RunsPage />);
    await screen.findAllByTestId("run-row");
    await userEvent.click(screen.getByRole("button", { name: "Load more" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(/unavailable right now/);
    expect(screen.getAllByTestId("run-row")).toHaveLength(2);
  });

  it("filters by the runner's days", async () => {
    const urls: URL[] = [];
    api((url) => {
      urls.push(url);
      return json({ items: [], next_cursor: null });
    });
    renderWithApp(<RunsPage />, "/runs?from=2026-07-01&to=2026-07-31");
    expect(await screen.findByText(/No runs match these filters/)).toBeInTheDocument();
    const last = urls.at(-1);
    expect(last?.searchParams.get("after")).toBe("2026-06-30T22:00:00.000Z");
    expect(last?.searchParams.get("before")).toBe("2026-07-31T22:00:00.000Z");
  });

  it("counts a single run shown as one", async () => {
    api(() => json({ items: [run(1)], next_cursor: null, total: 1 }));
    renderWithApp(<RunsPage />);
    await screen.findByTestId("run-row");
    expect(screen.getByText("1 run shown")).toBeInTheDocument();
  });

  it("tells how many runs match among those shown", async () => {
    api(() => json({ items: [run(1), run(2)], next_cursor: "c2", total: 42 }));
    renderWithApp(<RunsPage />);
    await screen.findAllByTestId("run-row");
    expect(screen.getByText("2 of 42 runs shown")).toBeInTheDocument();
  });

  it("reads its sort, month and search from the address and sends them", async () => {
    const urls: URL[] = [];
    api((url) => {
      urls.push(url);
      return json({ items: [run(1)], next_cursor: null, total: 1 });
    });
    renderWithApp(<RunsPage />, "/runs?sort=pace&order=asc&year=2025&month=12&q=100%25");
    await screen.findByTestId("run-row");
    const last = urls.at(-1);
    expect(last?.searchParams.get("sort")).toBe("pace");
    expect(last?.searchParams.get("order")).toBe("asc");
    expect(last?.searchParams.get("year")).toBe("2025");
    expect(last?.searchParams.get("month")).toBe("12");
    expect(last?.searchParams.get("q")).toBe("100%");
    expect(screen.getByLabelText("Sort")).toHaveValue("pace-asc");
    expect(screen.getByLabelText("Search names")).toHaveValue("100%");
    expect(screen.getByLabelText("Year")).toHaveValue("2025");
    expect(screen.getByLabelText("Month")).toHaveValue("12");
  });

  it("sorts at once and searches by name on submit", async () => {
    const urls: URL[] = [];
    api((url) => {
      urls.push(url);
      return json({ items: [run(1)], next_cursor: null, total: 1 });
    });
    renderWithApp(<RunsPage />);
    await screen.findByTestId("run-row");
    await userEvent.selectOptions(screen.getByLabelText("Sort"), "distance-desc");
    await screen.findByTestId("run-row");
    expect(urls.at(-1)?.searchParams.get("sort")).toBe("distance");
    expect(urls.at(-1)?.searchParams.get("order")).toBeNull(); // the default, desc
    await userEvent.type(screen.getByLabelText("Search names"), "tempo");
    await userEvent.selectOptions(screen.getByLabelText("Year"), String(new Date().getFullYear()));
    await userEvent.click(screen.getByRole("button", { name: "Filter" }));
    await screen.findByTestId("run-row");
    expect(urls.at(-1)?.searchParams.get("q")).toBe("tempo");
    expect(urls.at(-1)?.searchParams.get("year")).toBe(String(new Date().getFullYear()));
    expect(urls.at(-1)?.searchParams.get("sort")).toBe("distance");
  });
});

describe("the runs list in Simplified Chinese", () => {
  afterEach(async () => {
    changeLanguage("en");
    await i18n.changeLanguage("en");
  });

  async function inChinese() {
    changeLanguage("zh-Hans");
    await i18n.changeLanguage("zh-Hans");
  }

  it("counts the runs shown, and those matching, in Chinese", async () => {
    await inChinese();
    api((url) =>
      url.searchParams.get("cursor") === "c2"
        ? json({ items: [run(3)], next_cursor: null })
        : json({ items: [run(1), run(2)], next_cursor: "c2", total: 3 }),
    );
    renderWithApp(<RunsPage />);
    expect(await screen.findByRole("heading", { level: 1, name: "跑步" })).toBeInTheDocument();
    await screen.findAllByTestId("run-row");
    expect(screen.getByText("已显示 2 次跑步，共 3 次")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "加载更多" }));
    expect(await screen.findByText("已显示 3 次跑步")).toBeInTheDocument();
    const row = screen.getAllByTestId("run-row")[0];
    expect(row).toHaveTextContent("150 次/分");
    expect(row).toHaveTextContent("5:00 /km");
    expect(screen.getByRole("columnheader", { name: "配速" })).toBeInTheDocument();
  });

  it("names its filters, sorts and months in Chinese", async () => {
    await inChinese();
    api(() => json({ items: [], next_cursor: null }));
    renderWithApp(<RunsPage />, "/runs?year=2025&month=3");
    expect(await screen.findByText("没有符合这些筛选条件的跑步。放宽或清除筛选条件试试。")).toBeInTheDocument();
    expect(screen.getByRole("form", { name: "筛选跑步" })).toBeInTheDocument();
    expect(screen.getByLabelText("排序")).toHaveDisplayValue("最新优先");
    expect(screen.getByLabelText("月份")).toHaveDisplayValue(/^(三月|3月)$/);
    expect(screen.getByRole("button", { name: "清除" })).toBeInTheDocument();
  });
});
