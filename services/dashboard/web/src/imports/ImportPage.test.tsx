import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithApp } from "../test/render";
import ImportPage from "./ImportPage";

afterEach(() => vi.unstubAllGlobals());

interface Sent {
  url: string;
  csrf: string | null;
  file: File;
}

/** Stands in for the network under XMLHttpRequest (fetch cannot report upload progress). */
function fakeServer(answer: (file: File) => { status: number; body: unknown }) {
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
      const file = data.get("files") as File;
      sent.push({ url: this.url, csrf: this.headers["X-CSRF-Token"] ?? null, file });
      const { status, body } = answer(file);
      setTimeout(() => {
        this.upload.onprogress?.({ lengthComputable: true, loaded: file.size, total: file.size });
        this.status = status;
        this.responseText = JSON.stringify(body);
        this.onload?.();
      }, 0);
    }
  }
  vi.stubGlobal("XMLHttpRequest", FakeRequest);
  return sent;
}

describe("importing files", () => {
  it("posts each file on its own and shows each one's result", async () => {
    document.cookie = "runnerly_csrf=tok";
    const sent = fakeServer((file) =>
      file.name.endsWith(".fit")
        ? { status: 200, body: { results: [{ filename: file.name, status: "imported", run_id: 3, message: null }] } }
        : { status: 200, body: { results: [{ filename: file.name, status: "refused", message: "This is cycling, not a run." }] } },
    );
    renderWithApp(<ImportPage />);

    await userEvent.upload(screen.getByLabelText("Choose files"), [
      new File(["fit"], "morning.fit"),
      new File(["<gpx/>"], "ride.gpx"),
    ]);

    const items = await screen.findAllByRole("listitem");
    expect(items).toHaveLength(2);
    expect(await within(items[0]).findByText("Imported.")).toBeInTheDocument();
    expect(within(items[1]).getByText("Refused: This is cycling, not a run.")).toBeInTheDocument();
    // Refused in a 200 answer is a failure all the same: shown as one.
    expect(items[0]).toHaveClass("upload-done");
    expect(items[1]).toHaveClass("upload-failed");
    expect(within(items[0]).getByRole("progressbar", { name: "Upload of morning.fit" })).toHaveAttribute("value", "1");
    expect(sent.map((s) => [s.url, s.csrf, s.file.name])).toEqual([
      ["/api/runs/import", "tok", "morning.fit"],
      ["/api/runs/import", "tok", "ride.gpx"],
    ]);
  });

  it("says what the API objected to when a file is refused outright", async () => {
    fakeServer(() => ({ status: 413, body: { title: "Payload too large", status: 413, detail: "A file is at most 25 MB." } }));
    renderWithApp(<ImportPage />);
    await userEvent.upload(screen.getByLabelText("Choose files"), new File(["x"], "huge.fit"));
    expect(await screen.findByText("A file is at most 25 MB.")).toBeInTheDocument();
    expect(screen.getByRole("listitem")).toHaveClass("upload-failed");
  });
});
