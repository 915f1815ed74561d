import { useEffect, useRef } from "react";
import { useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";

// The reasons the dashboard's /api/strava/callback puts in ?strava=error&reason=...
// (each has its message under strava.outcome.reasons in the catalogues).
const REASONS = ["access_denied", "refused", "wrong_account", "already_linked", "unavailable", "missing_code"];

/** What happened at Strava, said once on return to /settings?strava=linked|error. */
export function LinkOutcome() {
  const [params, setParams] = useSearchParams();
  const outcome = params.get("strava");
  const reason = params.get("reason") ?? "";
  const box = useRef<HTMLDivElement>(null);
  const { t } = useTranslation();

  // The runner just came back from another site: put them (and their screen reader) here.
  useEffect(() => {
    box.current?.focus();
  }, [outcome]);

  if (outcome !== "linked" && outcome !== "error") return null;
  const linked = outcome === "linked";

  function dismiss() {
    const rest = new URLSearchParams(params);
    rest.delete("strava");
    rest.delete("reason");
    setParams(rest, { replace: true });
  }

  return (
    <div ref={box} tabIndex={-1} className={`notice ${linked ? "notice-ok" : "notice-error"}`}
      role={linked ? "status" : "alert"} data-testid="strava-outcome">
      <p>
        {linked ? (
          <><strong>{t("strava.outcome.linked")}</strong> {t("strava.outcome.onTheirWay")}</>
        ) : (
          <><strong>{t("strava.outcome.notLinked")}</strong> {REASONS.includes(reason) ? t(`strava.outcome.reasons.${reason}`) : t("strava.outcome.unknown")}</>
        )}
      </p>
      <button type="button" className="button secondary" onClick={dismiss}>
        {t("strava.outcome.dismiss")}
      </button>
    </div>
  );
}
