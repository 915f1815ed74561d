import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { App } from "../app/App";
import { PageNameContext } from "../app/pageName";
import { json, mockApi, renderWithApp } from "../test/render";
import RunPage from "./RunPage";

afterEach(() => vi.unstubAllGlobals());

const ME = {
  account: { id: "u1", email: "ada@example.com", confirmed: true, created_at: "2026-01-01T00:00:00Z" },
  profile: { units: "km", time_zone: "Europe/Paris" },
};

const RUN = {
  id: 7,
  name: "Morning Run",
  source: "strava",
  external_id: "9001",
  started_at: "2026-10-01T05:00:00Z",
  distance_m: 1500,
  moving_time_s: 450,
  elapsed_time_s: 450,
};

function renderRun() {
  renderWithApp(
    <Routes>
      <Route path="runs/:runId" element={<RunPage />} />
    </Routes>,
    "/runs/7",
  );
}

describe("a run whose streams are on their way", () => {
  it("says they are being fetched from Strava, and reads the run again until they are in", async () => {
    let reads = 0;
    mockApi((request) => {
      const url = new URL(request.url);
      if (url.pathname === "/api/me") return json(ME);
      reads += 1;
      if (reads === 1) return json({ ...RUN, streams: null, splits: null, streams_pending: true });
      return json({
        ...RUN,
        streams_pending: false,
        splits: [
          { distance_m: 1000, elapsed_time_s: 300, moving_time_s: 300 },
          { distance_m: 500, elapsed_time_s: 150, moving_time_s: 150 },
        ],
      });
    });
    renderRun();

    expect(await screen.findAllByText("Fetching this run's detail from Strava…")).toHaveLength(2);
    expect(screen.queryByText("No splits for this run.")).toBeNull();
    expect(screen.queryByText("This run has no recorded streams to chart.")).toBeNull();

    expect(await screen.findByRole("table", {}, { timeout: 10_000 })).toBeInTheDocument();
    expect(screen.queryByText("Fetching this run's detail from Strava…")).toBeNull();
    expect(reads).toBe(2);
  });

  it("says a run without streams has none, and does not read it again", async () => {
    const fetchMock = mockApi((request) => {
      const url = new URL(request.url);
      if (url.pathname === "/api/me") return json(ME);
      return json({ ...RUN, streams: null, splits: null, streams_pending: false });
    });
    renderRun();

    expect(await screen.findByText("No splits for this run.")).toBeInTheDocument();
    expect(screen.getByText("This run has no recorded streams to chart.")).toBeInTheDocument();
    expect(fetchMock.mock.calls.filter(([input]) => String(input instanceof Request ? input.url : input).includes("/api/runs/7"))).toHaveLength(1);
  });
});

describe("a run's splits for a runner who counts in miles", () => {
  it("are cut per mile, each row a mile at its pace per mile", async () => {
    // 5 km at 5:00 /km, sampled every 10 m, with the per-km splits the source cut.
    const distance = Array.from({ length: 501 }, (_, i) => i * 10);
    const streams = { distance, time: distance.map((d) => d * 0.3) };
    const kmSplits = Array.from({ length: 5 }, () => ({ distance_m: 1000, elapsed_time_s: 300, moving_time_s: 300 }));
    mockApi((request) => {
      const url = new URL(request.url);
      if (url.pathname === "/api/me") return json({ ...ME, profile: { ...ME.profile, units: "mi" } });
      return json({ ...RUN, distance_m: 5000, moving_time_s: 1500, elapsed_time_s: 1500, streams, splits: kmSplits, streams_pending: false });
    });
    renderRun();
    const table = await screen.findByRole("table", { name: "Splits" });
    await vi.waitFor(() => expect(table).toHaveTextContent("8:03 /mi"));
    const rows = table.querySelectorAll("tbody tr");
    expect(rows).toHaveLength(4); // three miles and the rest
    expect(rows[0]).toHaveTextContent("1.00 mi");
    expect(rows[0]).toHaveTextContent("8:03");
    expect(table).not.toHaveTextContent("0.62 mi");
  });
});

describe("the run page's title", () => {
  it("is the run's own name while the run is shown, and the address's once the page is left", async () => {
    mockApi((request) => {
      const url = new URL(request.url);
      if (url.pathname === "/api/me") return json(ME);
      return json({ ...RUN, streams: null, splits: null, streams_pending: false });
    });
    const named = vi.fn();
    const { unmount } = renderWithApp(
      <PageNameContext.Provider value={named}>
        <Routes>
          <Route path="runs/:runId" element={<RunPage />} />
        </Routes>
      </PageNameContext.Provider>,
      "/runs/7",
    );
    expect(await screen.findByRole("heading", { level: 1, name: "Morning Run" })).toBeInTheDocument();
    await waitFor(() => expect(named).toHaveBeenLastCalledWith("Morning Run"));
    unmount();
    expect(named).toHaveBeenLastCalledWith(null);
  });

  it("wins over the address's own title in the app, also when the run comes from the cache", async () => {
    mockApi((request) => {
      const url = new URL(request.url);
      if (url.pathname === "/api/me") return json({ ...ME, account: { ...ME.account, roles: ["runner"] } });
      if (url.pathname === "/api/runs/7") return json({ ...RUN, streams: null, splits: null, streams_pending: false });
      if (url.pathname === "/api/runs") return json({ items: [RUN], next_cursor: null, total: 1 });
      return json({ title: "Not found", status: 404, detail: "" }, 404);
    });
    renderWithApp(<App />, "/runs/7");
    expect(await screen.findByRole("heading", { level: 1, name: "Morning Run" })).toBeInTheDocument();
    await waitFor(() => expect(document.title).toBe("Morning Run — Runnerly"));

    await userEvent.click(screen.getByRole("link", { name: "← All runs" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Runs" })).toBeInTheDocument();
    await waitFor(() => expect(document.title).toBe("Runs — Runnerly"));

    await userEvent.click(await screen.findByRole("link", { name: "Morning Run" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Morning Run" })).toBeInTheDocument();
    await waitFor(() => expect(document.title).toBe("Morning Run — Runnerly"));
  });
});
