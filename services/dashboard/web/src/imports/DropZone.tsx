import { useId, useState, type DragEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import type { ImportResult } from "../api/types";
import { uploadFile } from "./upload";

interface Item {
  name: string;
  progress: number;
  state: "uploading" | "done" | "failed";
  message?: string;
}

function describe(status: number, body: unknown): string {
  if (body && typeof body === "object" && "detail" in body) return String((body as { detail: unknown }).detail);
  const results = (body as Partial<ImportResult> | null)?.results;
  if (Array.isArray(results) && results.length > 0) {
    const outcome = results[0];
    const label = outcome.status === "imported" ? "Imported" : outcome.status === "duplicate" ? "Already imported" : "Refused";
    return outcome.message ? `${label}: ${outcome.message}` : `${label}.`;
  }
  if (body && typeof body === "object") return "Imported.";
  return status ? `The server answered ${status}.` : "Runnerly could not be reached.";
}

/** Whether the import answered, for the file, that it took nothing from it (200 all the same). */
function refused(body: unknown): boolean {
  const results = (body as Partial<ImportResult> | null)?.results;
  const status = Array.isArray(results) ? results[0]?.status : undefined;
  return status !== undefined && status !== "imported" && status !== "duplicate";
}

/** Drop GPX, TCX or FIT files (or pick them): each is posted with its own progress and result. */
export function DropZone() {
  const inputId = useId();
  const client = useQueryClient();
  const [items, setItems] = useState<Item[]>([]);
  const [over, setOver] = useState(false);

  const update = (index: number, change: Partial<Item>) =>
    setItems((current) => current.map((item, i) => (i === index ? { ...item, ...change } : item)));

  async function send(files: File[]) {
    const offset = items.length;
    setItems((current) => [...current, ...files.map((f) => ({ name: f.name, progress: 0, state: "uploading" as const }))]);
    await Promise.all(
      files.map(async (file, i) => {
        const result = await uploadFile(file, (p) => update(offset + i, { progress: p }));
        const failed = !result.ok || refused(result.body);
        update(offset + i, { state: failed ? "failed" : "done", progress: 1, message: describe(result.status, result.body) });
      }),
    );
    void client.invalidateQueries({ queryKey: ["runs"] });
    void client.invalidateQueries({ queryKey: ["stats"] });
  }

  function drop(event: DragEvent) {
    event.preventDefault();
    setOver(false);
    void send([...event.dataTransfer.files]);
  }

  return (
    <div>
      <div className={`dropzone ${over ? "over" : ""}`} onDragOver={(e) => { e.preventDefault(); setOver(true); }}
        onDragLeave={() => setOver(false)} onDrop={drop}>
        <p>Drop GPX, TCX or FIT files here, or</p>
        <label htmlFor={inputId} className="button secondary">Choose files</label>
        <input id={inputId} className="visually-hidden" type="file" multiple accept=".gpx,.tcx,.fit,.gz"
          onChange={(e) => { void send([...(e.target.files ?? [])]); e.target.value = ""; }} />
      </div>
      <ul className="uploads" aria-live="polite">
        {items.map((item, i) => (
          <li key={i} className={`upload upload-${item.state}`}>
            <span>{item.name}</span>
            <progress max={1} value={item.progress} aria-label={`Upload of ${item.name}`} />
            <span>{item.state === "uploading" ? "Uploading…" : item.message}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
