import { formatDateTime } from "../format/units";
import type { StravaStatus } from "./queries";

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Where the import of the runner's Strava history stands, in words. */
export function SyncProgress({ status, timeZone }: { status: StravaStatus; timeZone: string }) {
  const backfill = status.backfill;
  const runs = plural(backfill?.runs_imported ?? 0, "run", "runs");
  const activities = plural(backfill?.activities_seen ?? 0, "activity", "activities");
  let headline: string;
  let detail: string | null = null;
  switch (backfill?.state) {
    case undefined:
    case "pending":
      headline = "Your Strava history is queued: the import starts in a moment.";
      break;
    case "running":
      headline = "Importing your Strava history…";
      detail = `${runs} imported so far, from ${activities} read.`;
      break;
    case "paused":
      headline = status.rate_limited_until
        ? `Strava asked us to slow down: the import resumes at ${formatDateTime(status.rate_limited_until, timeZone)}.`
        : "The import is paused and resumes shortly.";
      detail = `${runs} imported so far, from ${activities} read.`;
      break;
    case "done":
      headline = `History imported: ${runs} from ${activities} on Strava.`;
      detail = "New runs arrive on their own.";
      break;
  }
  const moving = backfill?.state !== "done" && backfill?.state !== "paused";
  return (
    <div className="sync" data-testid="strava-progress">
      {/* Only the state is announced: counts changing every two seconds would drown a screen reader. */}
      <p role="status" aria-live="polite">{headline}</p>
      {moving && <progress className="sync-progress" aria-label="Strava import" />}
      {detail && <p className="muted">{detail}</p>}
      {status.last_sync_at && <p className="muted">Last sync {formatDateTime(status.last_sync_at, timeZone)}.</p>}
    </div>
  );
}
