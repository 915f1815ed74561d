import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { FileOutcome, ImportJob } from "../api/types";
import i18n, { changeLanguage } from "../i18n/i18n";
import { json, mockApi, renderWithApp } from "../test/render";
import ImportPage from "./ImportPage";

afterEach(() => vi.unstubAllGlobals());

interface Sent {
  url: string;
  csrf: string | null;
  files: File[];
  asRun: string[];
}

function job(id: string, files: FileOutcome[], finished = false): ImportJob {
  return { id, created_at: "2026-03-01T07:00:00Z", finished_at: finished ? "2026-03-01T07:00:05Z" : null, files };
}

/** Stands in for the network under XMLHttpRequest (fetch cannot report upload progress). */
function fakeUploads(answer: (files: File[], asRun: string[]) => { status: number; body: unknown; headers?: Record<string, string> }) {
  const sent: Sent[] = [];
  class FakeRequest {
    upload: { onprogress: ((event: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = {
      onprogress: null,
    };
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    status = 0;
    responseText = "";
    private url = "";
    private headers: Record<string, string> = {};
    open(_method: string, url: string) {
      this.url = url;
    }
    setRequestHeader(key: string, value: string) {
      this.headers[key] = value;
    }
    send(data: FormData) {
      const files = data.getAll("files") as File[];
      const asRun = data.getAll("as_run") as string[];
      sent.push({ url: this.url, csrf: this.headers["X-CSRF-Token"] ?? null, files, asRun });
      const { status, body } = answer(files, asRun);
      setTimeout(() => {
        this.upload.onprogress?.({ lengthComputable: true, loaded: 1, total: 1 });
        this.status = status;
        this.responseText = JSON.stringify(body);
        this.onload?.();
      }, 0);
    }
  }
  vi.stubGlobal("XMLHttpRequest", FakeRequest);
  return sent;
}

/** The job as ingest's worker moves it on: each GET answers the next state, the last one for ever after. */
function fakeJobs(states: Partial<Record<string, ReturnType<typeof job>[]>>) {
  const asked: string[] = [];
  mockApi((request) => {
    const id = new URL(request.url).pathname.replace("/api/runs/imports/", "");
    asked.push(id);
    const queue = states[id];
    if (!queue) return json({ title: "Not found", status: 404, detail: "No such import." }, 404);
    return json(queue.length > 1 ? queue.shift() : queue[0]);
  });
  return asked;
}

const FOLLOW = { timeout: 5_000 };

describe("importing files", () => {
  it("sends the files as one import and follows each file until it has its outcome", async () => {
    document.cookie = "runnerly_csrf=tok";
    const queued: FileOutcome[] = [{ filename: "morning.fit", status: "queued" }, { filename: "ride.gpx", status: "queued" }];
    const sent = fakeUploads(() => ({ status: 202, body: job("j1", queued) }));
    fakeJobs({
      j1: [
        job("j1", [{ filename: "morning.fit", status: "parsing" }, { filename: "ride.gpx", status: "queued" }]),
        job("j1", [{ filename: "morning.fit", status: "imported", run_id: 3 }, { filename: "ride.gpx", status: "parsing" }]),
        job(
          "j1",
          [
            { filename: "morning.fit", status: "imported", run_id: 3 },
            // In English, the server's sentence as it came, whatever its code.
            { filename: "ride.gpx", status: "refused", message: "This is cycling, not a run.", reason: "not_a_run", sport: "cycling" },
          ],
          true,
        ),
      ],
    });
    renderWithApp(<ImportPage />);

    await userEvent.upload(screen.getByLabelText("Choose files"), [new File(["fit"], "morning.fit"), new File(["<gpx/>"], "ride.gpx")]);

    const items = await screen.findAllByRole("listitem");
    expect(items).toHaveLength(2);
    // Each file's state as it changes: read, then its outcome.
    expect(await within(items[0]).findByText("Reading…", {}, FOLLOW)).toBeInTheDocument();
    expect(await within(items[1]).findByText("Reading…", {}, FOLLOW)).toBeInTheDocument();
    expect(await within(items[1]).findByText("Refused: This is cycling, not a run.", {}, FOLLOW)).toBeInTheDocument();
    expect(within(items[0]).getByText("Imported.")).toBeInTheDocument();
    // An imported file leads to its run; a refused one to nothing.
    expect(within(items[0]).getByRole("link", { name: "Open the run" })).toHaveAttribute("href", "/runs/3");
    expect(within(items[1]).queryByRole("link")).toBeNull();
    expect(items[0]).toHaveClass("upload-done");
    expect(items[1]).toHaveClass("upload-failed");
    expect(within(items[0]).getByRole("progressbar", { name: "Upload of morning.fit" })).toHaveAttribute("value", "1");
    expect(sent.map((s) => [s.url, s.csrf, s.files.map((f) => f.name)])).toEqual([
      ["/api/runs/import", "tok", ["morning.fit", "ride.gpx"]],
    ]);
  });

  it("stops asking once every file has its outcome", async () => {
    fakeUploads(() => ({ status: 202, body: job("j2", [{ filename: "a.gpx", status: "queued" }]) }));
    const asked = fakeJobs({ j2: [job("j2", [{ filename: "a.gpx", status: "duplicate", run_id: 4, message: "Already stored." }], true)] });
    renderWithApp(<ImportPage />);

    await userEvent.upload(screen.getByLabelText("Choose files"), new File(["x"], "a.gpx"));

    expect(await screen.findByText("Already imported: Already stored.", {}, FOLLOW)).toBeInTheDocument();
    // A file already imported leads to the run that stands for it.
    expect(screen.getByRole("link", { name: "Open the run" })).toHaveAttribute("href", "/runs/4");
    const count = asked.length;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(asked.length).toBe(count);
  });

  it("offers to import a file that looks like a walk as a run anyway", async () => {
    const sent = fakeUploads((files, asRun) =>
      asRun.length
        ? { status: 202, body: job("j4", [{ filename: files[0].name, status: "queued" }]) }
        : { status: 202, body: job("j3", [{ filename: "hike.gpx", status: "queued" }]) },
    );
    fakeJobs({
      j3: [job("j3", [{ filename: "hike.gpx", status: "refused", message: "This looks like a walk.", reason: "looks_like_walk" }], true)],
      j4: [job("j4", [{ filename: "hike.gpx", status: "imported", run_id: 9 }], true)],
    });
    renderWithApp(<ImportPage />);
    await userEvent.upload(screen.getByLabelText("Choose files"), new File(["<gpx/>"], "hike.gpx"));

    await userEvent.click(await screen.findByRole("button", { name: "Import as a run anyway" }, FOLLOW));

    await waitFor(() => expect(screen.getAllByText("Imported.")).toHaveLength(1), FOLLOW);
    expect(sent.map((s) => [s.files.map((f) => f.name), s.asRun])).toEqual([
      [["hike.gpx"], []],
      [["hike.gpx"], ["hike.gpx"]],
    ]);
    expect(screen.queryByRole("button", { name: "Import as a run anyway" })).not.toBeInTheDocument();
  });

  it("says what the API objected to when the upload is refused outright", async () => {
    fakeUploads(() => ({ status: 413, body: { title: "Payload too large", status: 413, detail: "A file is at most 25 MB." } }));
    renderWithApp(<ImportPage />);
    await userEvent.upload(screen.getByLabelText("Choose files"), new File(["x"], "huge.fit"));
    expect(await screen.findByText("A file is at most 25 MB.")).toBeInTheDocument();
    expect(screen.getByRole("listitem")).toHaveClass("upload-failed");
  });

  it("says plainly when too many imports are already under way", async () => {
    fakeUploads(() => ({
      status: 429,
      body: { title: "Too many requests", status: 429, detail: "You have 2 imports still being read." },
    }));
    renderWithApp(<ImportPage />);
    await userEvent.upload(screen.getByLabelText("Choose files"), new File(["x"], "a.fit"));
    expect(await screen.findByText("You have 2 imports still being read.")).toBeInTheDocument();
  });
});

describe("importing files in Simplified Chinese", () => {
  afterEach(async () => {
    changeLanguage("en");
    await i18n.changeLanguage("en");
  });

  it("words each file's outcome in Chinese, with the server's message as it came", async () => {
    changeLanguage("zh-Hans");
    await i18n.changeLanguage("zh-Hans");
    fakeUploads(() => ({ status: 202, body: job("j5", [{ filename: "a.fit", status: "queued" }, { filename: "b.gpx", status: "queued" }]) }));
    fakeJobs({
      j5: [
        job(
          "j5",
          [
            { filename: "a.fit", status: "imported", run_id: 3 },
            { filename: "b.gpx", status: "refused", message: "This is cycling, not a run." },
          ],
          true,
        ),
      ],
    });
    renderWithApp(<ImportPage />);
    expect(screen.getByRole("heading", { level: 1, name: "导入跑步" })).toBeInTheDocument();

    await userEvent.upload(screen.getByLabelText("选择文件"), [new File(["fit"], "a.fit"), new File(["<gpx/>"], "b.gpx")]);

    const items = await screen.findAllByRole("listitem");
    expect(await within(items[1]).findByText("未导入：This is cycling, not a run.", {}, FOLLOW)).toBeInTheDocument();
    expect(within(items[0]).getByText("已导入。")).toBeInTheDocument();
    expect(within(items[0]).getByRole("link", { name: "查看这次跑步" })).toHaveAttribute("href", "/runs/3");
    expect(within(items[0]).getByRole("progressbar", { name: "上传 a.fit" })).toBeInTheDocument();
  });

  it("words a refusal by its code, with the sport it names, and offers a walk's override in Chinese", async () => {
    changeLanguage("zh-Hans");
    await i18n.changeLanguage("zh-Hans");
    const names = ["ride.fit", "hike.gpx", "scrap.gpx", "odd.gpx"];
    fakeUploads(() => ({ status: 202, body: job("j6", names.map((filename) => ({ filename, status: "queued" as const }))) }));
    fakeJobs({
      j6: [
        job(
          "j6",
          [
            { filename: "ride.fit", status: "refused", message: "This is a cycling activity, not a run.", reason: "not_a_run", sport: "cycling" },
            { filename: "hike.gpx", status: "refused", message: "This looks like a hike: up 320 m.", reason: "looks_like_walk", sport: "hiking" },
            { filename: "scrap.gpx", status: "refused", message: "This recording is 50 m in 20 s.", reason: "too_short" },
            { filename: "odd.gpx", status: "refused", message: "A refusal newer than this page.", reason: "newer_code" },
          ],
          true,
        ),
      ],
    });
    renderWithApp(<ImportPage />);

    await userEvent.upload(screen.getByLabelText("选择文件"), names.map((name) => new File(["x"], name)));

    const items = await screen.findAllByRole("listitem");
    expect(await within(items[0]).findByText("未导入：这是一次骑行记录，不是跑步。", {}, FOLLOW)).toBeInTheDocument();
    expect(within(items[1]).getByText(/^未导入：这看起来是一次徒步，不是跑步。/)).toBeInTheDocument();
    expect(within(items[1]).getByRole("button", { name: "仍然作为跑步导入" })).toBeInTheDocument();
    expect(within(items[2]).getByText("未导入：记录太短，算不上一次跑步（至少需要 100 米和 60 秒）。是不是误开了手表？")).toBeInTheDocument();
    // A code this page does not know: the server's own sentence.
    expect(within(items[3]).getByText("未导入：A refusal newer than this page.")).toBeInTheDocument();
  });
});
