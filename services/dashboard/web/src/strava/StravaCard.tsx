import { useQueryClient } from "@tanstack/react-query";
import { formatDateTime } from "../format/units";
import { useEffect, useState } from "react";
import { Link } from "react-router";
import { usePreferences } from "../me/queries";
import { Card } from "../ui/Card";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import { FormError } from "../ui/FormError";
import { ErrorState, Loading, Status } from "../ui/States";
import { browser } from "./browser";
import { useConnectStrava, useStravaStatus, useUnlinkStrava, type StravaStatus } from "./queries";
import { SyncProgress } from "./SyncProgress";

/**
 * The Strava link and its sync. On Settings (`manage`) it links and unlinks; on Home it
 * only shows where things stand and points to Settings.
 */
export function StravaCard({ manage = false }: { manage?: boolean }) {
  const status = useStravaStatus();
  const { timeZone } = usePreferences();
  const [unlinked, setUnlinked] = useState(false);
  useRunsFollowSync(status.data);
  return (
    <Card title="Strava">
      {status.isPending && <Loading />}
      {status.isError && <ErrorState error={status.error} retry={() => status.refetch()} />}
      {status.data && (
        <>
          {status.data.demo_mode && <DemoNote brief={!manage} />}
          {status.data.linked ? (
            <>
              <p>Linked{status.data.athlete_name ? ` as ${status.data.athlete_name}` : ""}.</p>
              {status.data.sync_paused && <SyncPaused paused={status.data.sync_paused} timeZone={timeZone} />}
              <SyncProgress status={status.data} timeZone={timeZone} />
              {manage && <Unlink onUnlinked={() => setUnlinked(true)} />}
            </>
          ) : (
            <>
              {unlinked && <Status tone="ok">Strava is unlinked, and the runs that came from it are deleted.</Status>}
              <p>Not linked yet. Link Strava and your runs arrive on their own.</p>
              {manage ? <LinkStrava demo={status.data.demo_mode} /> : <Link to="/settings">Link Strava in Settings</Link>}
            </>
          )}
        </>
      )}
    </Card>
  );
}

const PAUSED_BECAUSE: Record<NonNullable<StravaStatus["sync_paused"]>["reason"], string> = {
  app_refused: "Strava is refusing Runnerly for now.",
  permission_missing: "Strava no longer lets Runnerly read your activities; if you changed Runnerly's permissions at Strava, link Strava again.",
  strava_unavailable: "Strava is not answering right now.",
};

/** Strava refuses the sync for now: say so, why, and that nothing is lost. */
function SyncPaused({ paused, timeZone }: { paused: NonNullable<StravaStatus["sync_paused"]>; timeZone: string }) {
  return (
    <div className="sync-paused" data-testid="strava-paused">
      <p role="status">
        <strong>Strava sync paused.</strong> {PAUSED_BECAUSE[paused.reason]}
      </p>
      <p className="muted">
        Your runs are kept, and Runnerly tries again at {formatDateTime(paused.next_try_at, timeZone)}.
      </p>
    </div>
  );
}

function DemoNote({ brief }: { brief: boolean }) {
  return (
    <p className="demo-note">
      <strong>Demo mode:</strong> this Runnerly talks to a built-in Strava simulator, not to strava.com.
      {brief ? " Its runs are made up." : " Linking connects a demo athlete with made-up runs; no real Strava account is involved."}
    </p>
  );
}

/** Runs and totals refresh as the sync brings runs in. */
function useRunsFollowSync(status: StravaStatus | undefined) {
  const client = useQueryClient();
  const imported = status?.linked ? status.backfill?.runs_imported : undefined;
  useEffect(() => {
    if (!imported) return;
    void client.invalidateQueries({ queryKey: ["runs"] });
    void client.invalidateQueries({ queryKey: ["stats"] });
  }, [client, imported]);
}

function LinkStrava({ demo }: { demo: boolean }) {
  const connect = useConnectStrava();
  const leaving = connect.isPending || connect.isSuccess;
  return (
    <div className="actions">
      <button type="button" className="button" disabled={leaving}
        onClick={() => connect.mutate(undefined, { onSuccess: (answer) => browser.open(answer.authorize_url) })}>
        Link Strava
      </button>
      {leaving && <Status>{demo ? "Taking you to the Strava simulator…" : "Taking you to Strava…"}</Status>}
      <FormError error={connect.error} />
    </div>
  );
}

function Unlink({ onUnlinked }: { onUnlinked: () => void }) {
  const [asking, setAsking] = useState(false);
  const unlink = useUnlinkStrava();
  return (
    <>
      <button type="button" className="button secondary" onClick={() => setAsking(true)}>
        Unlink Strava
      </button>
      {asking && (
        <ConfirmDialog title="Unlink Strava?" confirmLabel="Yes, unlink" cancelLabel="Keep it linked" pending={unlink.isPending} error={unlink.error}
          onCancel={() => { setAsking(false); unlink.reset(); }}
          onConfirm={() => unlink.mutate(undefined, { onSuccess: () => { setAsking(false); onUnlinked(); } })}>
          <p>
            The runs that came from Strava are deleted from Runnerly (they stay on Strava); runs from files you
            imported stay.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
