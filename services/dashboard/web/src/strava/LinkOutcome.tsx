import { useEffect, useRef } from "react";
import { useSearchParams } from "react-router";

// The reasons the dashboard's /api/strava/callback puts in ?strava=error&reason=...
const REASONS: Record<string, string> = {
  access_denied: "You chose not to authorize Runnerly at Strava, so nothing was linked.",
  refused: "Strava did not accept this link: the approval may have expired or been used already. Please link again.",
  wrong_account: "This link was started by another Runnerly account. Log in as yourself and link again.",
  already_linked:
    "This Strava athlete is already linked to another Runnerly account, or yours is linked to another athlete. Unlink the other first.",
  unavailable: "Strava or Runnerly's Strava service could not be reached. Please try again in a moment.",
  missing_code: "Strava sent the browser back without an approval. Please link again.",
};
const UNKNOWN_REASON = "Linking Strava did not finish. Please try again.";

/** What happened at Strava, said once on return to /settings?strava=linked|error. */
export function LinkOutcome() {
  const [params, setParams] = useSearchParams();
  const outcome = params.get("strava");
  const reason = params.get("reason") ?? "";
  const box = useRef<HTMLDivElement>(null);

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
          <><strong>Strava is linked.</strong> Your runs are on their way: the Strava card shows them as they arrive.</>
        ) : (
          <><strong>Strava was not linked.</strong> {REASONS[reason] ?? UNKNOWN_REASON}</>
        )}
      </p>
      <button type="button" className="button secondary" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}
