import { useEffect, useId, useRef, useState, type DragEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { hasOutcome, isFinished, useImportJob, type FileOutcome, type ImportJob } from "./queries";
import { refusalText } from "./refusal";
import { uploadFiles } from "./upload";

// The API takes at most this many files in one import.
const MAX_FILES = 20;

interface Batch {
  files: File[];
  progress: number;
  state: "uploading" | "sent" | "failed";
  job?: ImportJob;
  message?: string;
}

/** Why an upload failed: the server's own words (its problem's detail), or what happened. */
function problemDetail(t: TFunction, status: number, body: unknown): string {
  if (body && typeof body === "object" && "detail" in body) return String(body.detail);
  return status ? t("imports.serverAnswered", { status }) : t("imports.unreachable");
}

/** A file's state or outcome, with the server's message on it (written by the server in
 * English; a refusal worded by its code in another language). */
function describe(t: TFunction, file: FileOutcome): string {
  const message = file.message;
  switch (file.status) {
    case "queued":
      return t("imports.queued");
    case "parsing":
      return t("imports.parsing");
    case "imported":
      return message ? t("imports.importedWith", { message }) : t("imports.imported");
    case "duplicate":
      return message ? t("imports.duplicateWith", { message }) : t("imports.duplicate");
    default: {
      const why = refusalText(file);
      return why ? t("imports.refusedWith", { message: why }) : t("imports.refused");
    }
  }
}

function itemClass(file: FileOutcome): string {
  if (!hasOutcome(file)) return "upload upload-uploading";
  return file.status === "refused" ? "upload upload-failed" : "upload upload-done";
}

/** Drop GPX, TCX or FIT files (or pick them): they go as one import, whose files are followed
 * one by one as the server reads them. */
export function DropZone() {
  const { t } = useTranslation();
  const inputId = useId();
  const [batches, setBatches] = useState<Batch[]>([]);
  const [over, setOver] = useState(false);
  const sentBatches = useRef(0);

  const update = (index: number, change: Partial<Batch>) =>
    setBatches((current) => current.map((batch, i) => (i === index ? { ...batch, ...change } : batch)));

  async function send(files: File[], asRun: string[] = []) {
    const chunks: File[][] = [];
    for (let i = 0; i < files.length; i += MAX_FILES) chunks.push(files.slice(i, i + MAX_FILES));
    const offset = sentBatches.current;
    sentBatches.current += chunks.length;
    setBatches((current) => [...current, ...chunks.map((chunk) => ({ files: chunk, progress: 0, state: "uploading" as const }))]);
    // One after the other: the server reads a runner's imports a few at a time.
    for (const [i, chunk] of chunks.entries()) {
      const result = await uploadFiles(chunk, (p) => update(offset + i, { progress: p }), asRun);
      if (result.ok && result.body && typeof result.body === "object" && "files" in result.body) {
        update(offset + i, { state: "sent", progress: 1, job: result.body as ImportJob });
      } else {
        update(offset + i, { state: "failed", progress: 1, message: problemDetail(t, result.status, result.body) });
      }
    }
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
        <p>{t("imports.drop")}</p>
        <label htmlFor={inputId} className="button secondary">{t("imports.choose")}</label>
        <input id={inputId} className="visually-hidden" type="file" multiple accept=".gpx,.tcx,.fit,.gz"
          onChange={(e) => { void send([...(e.target.files ?? [])]); e.target.value = ""; }} />
      </div>
      <ul className="uploads" aria-live="polite">
        {batches.map((batch, i) =>
          batch.job ? (
            <FollowedImport key={i} initial={batch.job} files={batch.files} onAsRun={(file) => void send([file], [file.name])} />
          ) : (
            batch.files.map((file, j) => (
              <li key={`${i}-${j}`} className={`upload upload-${batch.state === "failed" ? "failed" : "uploading"}`}>
                <span>{file.name}</span>
                <progress max={1} value={batch.progress} aria-label={t("imports.uploadOf", { name: file.name })} />
                <span>{batch.state === "failed" ? batch.message : t("imports.uploading")}</span>
              </li>
            ))
          ),
        )}
      </ul>
    </div>
  );
}

/** The files of one import, each with its state, then its outcome. */
function FollowedImport({ initial, files, onAsRun }: { initial: ImportJob; files: File[]; onAsRun: (file: File) => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const { data: job } = useImportJob(initial);
  const finished = isFinished(job);
  const [retried, setRetried] = useState<Set<number>>(new Set());

  useEffect(() => {
    if (!finished) return;
    void client.invalidateQueries({ queryKey: ["runs"] });
    void client.invalidateQueries({ queryKey: ["stats"] });
  }, [finished, client]);

  return (
    <>
      {job.files.map((outcome, j) => {
        const file = files.at(j);
        const offer = outcome.reason === "looks_like_walk" && file !== undefined && !retried.has(j);
        return (
          <li key={j} className={itemClass(outcome)}>
            <span>{outcome.filename}</span>
            <progress max={1} value={1} aria-label={t("imports.uploadOf", { name: outcome.filename })} />
            <span>
              {describe(t, outcome)}
              {(outcome.status === "imported" || outcome.status === "duplicate") && outcome.run_id != null && (
                <>
                  {" "}
                  <Link to={`/runs/${outcome.run_id}`}>{t("imports.openRun")}</Link>
                </>
              )}
              {offer && (
                <button type="button" className="button secondary" onClick={() => {
                  setRetried((current) => new Set(current).add(j));
                  onAsRun(file);
                }}>
                  {t("imports.asRun")}
                </button>
              )}
            </span>
          </li>
        );
      })}
    </>
  );
}
