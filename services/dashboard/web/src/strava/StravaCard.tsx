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
import { useTranslation } from "react-i18next";

/**
 * The Strava link and its sync. On Settings (`manage`) it links and unlinks; on Home it
 * only shows where things stand and points to Settings.
 */
export function StravaCard({ manage = false }: { manage?: boolean }) {
  const status = useStravaStatus();
  const { timeZone } = usePreferences();
  const [unlinked, setUnlinked] = useState(false);
  const { t } = useTranslation();
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
              <p>{status.data.athlete_name ? t("strava.linkedAs", { name: status.data.athlete_name }) : t("strava.linked")}</p>
              {status.data.sync_paused && <SyncPaused paused={status.data.sync_paused} timeZone={timeZone} />}
              <SyncProgress status={status.data} timeZone={timeZone} />
              {manage && <Unlink onUnlinked={() => setUnlinked(true)} />}
            </>
          ) : (
            <>
              {unlinked && <Status tone="ok">{t("strava.unlinked")}</Status>}
              <p>{t("strava.notLinked")}</p>
              {manage ? <LinkStrava demo={status.data.demo_mode} /> : <Link to="/settings">{t("strava.linkInSettings")}</Link>}
            </>
          )}
        </>
      )}
    </Card>
  );
}


/** Strava refuses the sync for now: say so, why, and that nothing is lost. */
function SyncPaused({ paused, timeZone }: { paused: NonNullable<StravaStatus["sync_paused"]>; timeZone: string }) {
  const { t } = useTranslation();
  return (
    <div className="sync-paused" data-testid="strava-paused">
      <p role="status">
        <strong>{t("strava.paused.title")}</strong> {t(`strava.paused.${paused.reason}`)}
      </p>
      <p className="muted">
        {t("strava.paused.retry", { when: formatDateTime(paused.next_try_at, timeZone) })}
      </p>
    </div>
  );
}

function DemoNote({ brief }: { brief: boolean }) {
  const { t } = useTranslation();
  return (
    <p className="demo-note">
      <strong>{t("strava.demo.title")}</strong> {t("strava.demo.simulator")} {brief ? t("strava.demo.brief") : t("strava.demo.full")}
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
  const { t } = useTranslation();
  return (
    <div className="actions">
      <button type="button" className="button" disabled={leaving}
        onClick={() => connect.mutate(undefined, { onSuccess: (answer) => browser.open(answer.authorize_url) })}>
        {t("strava.link")}
      </button>
      {leaving && <Status>{demo ? t("strava.leavingDemo") : t("strava.leaving")}</Status>}
      <FormError error={connect.error} />
    </div>
  );
}

function Unlink({ onUnlinked }: { onUnlinked: () => void }) {
  const [asking, setAsking] = useState(false);
  const unlink = useUnlinkStrava();
  const { t } = useTranslation();
  return (
    <>
      <button type="button" className="button secondary" onClick={() => setAsking(true)}>
        {t("strava.unlink")}
      </button>
      {asking && (
        <ConfirmDialog title={t("strava.unlinkTitle")} confirmLabel={t("strava.yesUnlink")} cancelLabel={t("strava.keep")}
          pending={unlink.isPending} error={unlink.error}
          onCancel={() => { setAsking(false); unlink.reset(); }}
          onConfirm={() => unlink.mutate(undefined, { onSuccess: () => { setAsking(false); onUnlinked(); } })}>
          <p>{t("strava.unlinkExplain")}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
