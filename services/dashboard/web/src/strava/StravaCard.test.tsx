import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { json, mockApi, renderWithApp } from "../test/render";
import { browser } from "./browser";
import { stravaPollInterval, type StravaStatus } from "./queries";
import { StravaCard } from "./StravaCard";

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const ME = {
  account: { id: "u1", email: "ada@example.com", confirmed: true, created_at: "2026-01-01T00:00:00Z" },
  profile: { units: "km", time_zone: "UTC" },
};
const NOT_LINKED: StravaStatus = { linked: false, demo_mode: true };

function linked(backfill: Partial<NonNullable<StravaStatus["backfill"]>> | null, more: Partial<StravaStatus> = {}) {
  return {
    linked: true,
    demo_mode: true,
    athlete_id: 7,
    athlete_name: "Demo Runner",
    backfill: backfill && { state: "running", activities_seen: 0, runs_imported: 0, started_at: null, finished_at: null, ...backfill },
    last_sync_at: null,
    rate_limited_until: null,
    ...more,
  } as StravaStatus;
}

/** The API with a Strava status the test can change between calls. */
function stravaApi(initial: StravaStatus, extra: (request: Request) => Response | null = () => null) {
  let status = initial;
  const fetchMock = mockApi((request) => {
    const url = new URL(request.url);
    const answer = extra(request);
    if (answer) return answer;
    if (url.pathname === "/api/me") return json(ME);
    if (url.pathname === "/api/strava" && request.method === "GET") return json(status);
    return json({ title: "Not found", status: 404, detail: `no ${url.pathname}` }, 404);
  });
  return { fetchMock, setStatus: (next: StravaStatus) => (status = next) };
}

describe("the Strava card on Settings", () => {
  it("links: asks for the approval page and goes there, saying plainly it is the simulator", async () => {
    const open = vi.spyOn(browser, "open").mockImplementation(() => undefined);
    stravaApi(NOT_LINKED, (request) =>
      new URL(request.url).pathname === "/api/strava/connect"
        ? json({ authorize_url: "http://127.0.0.1:8009/oauth/authorize?client_id=12345", demo_mode: true })
        : null,
    );
    renderWithApp(<StravaCard manage />, "/settings");

    const card = await screen.findByRole("region", { name: "Strava" });
    expect(await within(card).findByText("Not linked yet.", { exact: false })).toBeInTheDocument();
    expect(card).toHaveTextContent(/Demo mode:.*built-in Strava simulator.*no real Strava account/);
    await userEvent.click(within(card).getByRole("button", { name: "Link Strava" }));

    await waitFor(() => expect(open).toHaveBeenCalledWith("http://127.0.0.1:8009/oauth/authorize?client_id=12345"));
    expect(within(card).getByRole("status")).toHaveTextContent("Taking you to the Strava simulator");
    expect(within(card).getByRole("button", { name: "Link Strava" })).toBeDisabled();
  });

  it("says why linking cannot start when ingest is down, and stays on the page", async () => {
    const open = vi.spyOn(browser, "open").mockImplementation(() => undefined);
    stravaApi({ linked: false, demo_mode: false }, (request) =>
      new URL(request.url).pathname === "/api/strava/connect"
        ? json({ title: "Service unavailable", status: 503, detail: "ingest is unavailable" }, 503)
        : null,
    );
    renderWithApp(<StravaCard manage />, "/settings");
    await userEvent.click(await screen.findByRole("button", { name: "Link Strava" }));

    expect(await screen.findByRole("alert")).toHaveTextContent(/unavailable right now/);
    expect(open).not.toHaveBeenCalled();
    expect(screen.queryByText(/Demo mode/)).toBeNull();
  });

  it("shows the sync moving, then done", async () => {
    const api = stravaApi(linked({ state: "running", activities_seen: 200, runs_imported: 143 }));
    renderWithApp(<StravaCard manage />, "/settings");

    const progress = await screen.findByTestId("strava-progress");
    expect(screen.getByText("Linked as Demo Runner.")).toBeInTheDocument();
    expect(within(progress).getByRole("status")).toHaveTextContent("Importing your Strava history");
    expect(progress).toHaveTextContent("143 runs imported so far, from 200 activities read.");
    expect(within(progress).getByRole("progressbar", { name: "Strava import" })).toBeInTheDocument();

    api.setStatus(linked({ state: "done", activities_seen: 600, runs_imported: 431 }, { last_sync_at: "2026-03-01T10:00:00Z" }));
    // The card polls on its own while the sync runs.
    await waitFor(() => expect(progress).toHaveTextContent("History imported: 431 runs from 600 activities on Strava."), {
      timeout: 4_000,
    });
    expect(within(progress).queryByRole("progressbar")).toBeNull();
    expect(progress).toHaveTextContent("Last sync");
  });

  it("unlinks only once the runner confirms", async () => {
    const deletes: string[] = [];
    document.cookie = "runnerly_csrf=tok";
    const api = stravaApi(linked({ state: "done", activities_seen: 3, runs_imported: 2 }), (request) => {
      if (request.method !== "DELETE") return null;
      deletes.push(request.headers.get("X-CSRF-Token") ?? "");
      api.setStatus(NOT_LINKED);
      return new Response(null, { status: 204 });
    });
    renderWithApp(<StravaCard manage />, "/settings");

    await userEvent.click(await screen.findByRole("button", { name: "Unlink Strava" }));
    const confirm = screen.getByRole("alertdialog", { name: "Unlink Strava?" });
    expect(confirm).toHaveTextContent("runs that came from Strava are deleted");
    expect(within(confirm).getByRole("button", { name: "Keep it linked" })).toHaveFocus();
    await userEvent.click(within(confirm).getByRole("button", { name: "Keep it linked" }));
    expect(deletes).toEqual([]);
    expect(screen.getByText("Linked as Demo Runner.")).toBeInTheDocument();

    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(screen.getByRole("button", { name: "Unlink Strava" })).toHaveFocus();

    await userEvent.click(screen.getByRole("button", { name: "Unlink Strava" }));
    await userEvent.click(screen.getByRole("button", { name: "Yes, unlink" }));
    expect(await screen.findByText(/Strava is unlinked/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Link Strava" })).toBeInTheDocument();
    expect(deletes).toEqual(["tok"]);
  });
});

describe("the Strava card on Home", () => {
  it("points to Settings to link, with no buttons of its own", async () => {
    stravaApi({ linked: false, demo_mode: false });
    renderWithApp(<StravaCard />);
    expect(await screen.findByRole("link", { name: "Link Strava in Settings" })).toHaveAttribute("href", "/settings");
    expect(screen.queryByRole("button")).toBeNull();
  });

  it("shows a paused sync with when it resumes", async () => {
    stravaApi(linked({ state: "paused", activities_seen: 400, runs_imported: 300 }, { rate_limited_until: "2026-03-01T10:15:00Z" }));
    renderWithApp(<StravaCard />);
    const progress = await screen.findByTestId("strava-progress");
    expect(progress).toHaveTextContent(/Strava asked us to slow down: the import resumes at .*10:15/);
    expect(progress).toHaveTextContent("300 runs imported so far");
    expect(screen.queryByRole("button", { name: "Unlink Strava" })).toBeNull();
  });

  it.each([
    ["app_refused", /Strava is refusing Runnerly for now/],
    ["permission_missing", /Strava no longer lets Runnerly read your activities/],
    ["strava_unavailable", /Strava is not answering right now/],
  ] as const)("says plainly that the sync is paused when Strava refuses (%s), and that no run is lost", async (reason, why) => {
    const paused = { reason, detail: "Strava answered 403", since: "2026-03-01T09:00:00Z", next_try_at: "2026-03-01T10:15:00Z" };
    stravaApi(linked({ state: "done", activities_seen: 400, runs_imported: 300 }, { sync_paused: paused }));
    renderWithApp(<StravaCard />);
    const note = await screen.findByTestId("strava-paused");
    expect(note).toHaveTextContent("Strava sync paused");
    expect(note).toHaveTextContent(why);
    expect(note).toHaveTextContent(/Your runs are kept.*tries again at .*10:15/);
  });

  it("shows no pause once Strava answers again", async () => {
    stravaApi(linked({ state: "done", activities_seen: 400, runs_imported: 300 }, { sync_paused: null }));
    renderWithApp(<StravaCard />);
    await screen.findByTestId("strava-progress");
    expect(screen.queryByTestId("strava-paused")).toBeNull();
  });

  it("says when the Strava service is down, and offers to try again", async () => {
    mockApi((request) =>
      new URL(request.url).pathname === "/api/me"
        ? json(ME)
        : json({ title: "Service unavailable", status: 503, detail: "ingest is unavailable" }, 503),
    );
    renderWithApp(<StravaCard />);
    expect(await screen.findByRole("alert")).toHaveTextContent(/unavailable right now/);
    expect(screen.getByRole("button", { name: "Try again" })).toBeInTheDocument();
  });
});

describe("polling", () => {
  it("asks often while syncing, rarely while paused, never otherwise", () => {
    expect(stravaPollInterval(linked({ state: "pending" }))).toBe(2_000);
    expect(stravaPollInterval(linked({ state: "running" }))).toBe(2_000);
    expect(stravaPollInterval(linked({ state: "paused" }))).toBe(15_000);
    expect(stravaPollInterval(linked({ state: "done" }))).toBe(false);
    const paused = { reason: "app_refused", detail: "", since: "2026-03-01T09:00:00Z", next_try_at: "2026-03-01T10:15:00Z" } as const;
    expect(stravaPollInterval(linked({ state: "done" }, { sync_paused: paused }))).toBe(15_000);
    expect(stravaPollInterval(NOT_LINKED)).toBe(false);
    expect(stravaPollInterval(undefined)).toBe(false);
  });
});
