import { formatDateTime } from "../format/units";
import type { StravaStatus } from "./queries";
import { useTranslation } from "react-i18next";

/** Where the import of the runner's Strava history stands, in words. */
export function SyncProgress({ status, timeZone }: { status: StravaStatus; timeZone: string }) {
  const { t } = useTranslation();
  const backfill = status.backfill;
  const runs = t("strava.sync.runs", { count: backfill?.runs_imported ?? 0 });
  const activities = t("strava.sync.activities", { count: backfill?.activities_seen ?? 0 });
  let headline: string;
  let detail: string | null = null;
  switch (backfill?.state) {
    case undefined:
    case "pending":
      headline = t("strava.sync.queued");
      break;
    case "running":
      headline = t("strava.sync.running");
      detail = t("strava.sync.soFar", { runs, activities });
      break;
    case "paused":
      headline = status.rate_limited_until
        ? t("strava.sync.slowDown", { when: formatDateTime(status.rate_limited_until, timeZone) })
        : t("strava.sync.paused");
      detail = t("strava.sync.soFar", { runs, activities });
      break;
    case "done":
      headline = t("strava.sync.done", { runs, activities });
      detail = t("strava.sync.newRuns");
      break;
  }
  const moving = backfill?.state !== "done" && backfill?.state !== "paused";
  return (
    <div className="sync" data-testid="strava-progress">
      {/* Only the state is announced: counts changing every two seconds would drown a screen reader. */}
      <p role="status" aria-live="polite">{headline}</p>
      {moving && <progress className="sync-progress" aria-label={t("strava.sync.progress")} />}
      {detail && <p className="muted">{detail}</p>}
      {status.last_sync_at && <p className="muted">{t("strava.sync.last", { when: formatDateTime(status.last_sync_at, timeZone) })}</p>}
    </div>
  );
}
