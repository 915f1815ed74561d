import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import { unwrap } from "../api/problem";
import type { FileOutcome, ImportJob } from "../api/types";

export type { FileOutcome, ImportJob };

// The worker reads a file in about a second or two: the runner watches each one arrive.
const FOLLOW_POLL_MS = 1_000;
const FINAL = new Set(["imported", "duplicate", "refused"]);

export function hasOutcome(file: FileOutcome): boolean {
  return FINAL.has(file.status);
}

/** Whether every file of the import has its outcome. */
export function isFinished(job: ImportJob | undefined): boolean {
  return !!job && (!!job.finished_at || job.files.every(hasOutcome));
}

/** An import job, asked again until every file has its outcome. */
export function useImportJob(initial: ImportJob) {
  return useQuery({
    queryKey: ["imports", initial.id],
    queryFn: () => unwrap(api.GET("/api/runs/imports/{job_id}", { params: { path: { job_id: initial.id } } })),
    initialData: initial,
    initialDataUpdatedAt: 0,
    refetchInterval: (query) => (isFinished(query.state.data) ? false : FOLLOW_POLL_MS),
  });
}
