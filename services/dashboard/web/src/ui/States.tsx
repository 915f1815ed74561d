import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, describeError } from "../api/problem";

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <p className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label ?? t("ui.loading")}
    </p>
  );
}

/** A failed load; "Try again" only where trying again can help (not a refusal, 4xx). */
export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  const { t } = useTranslation();
  const refused = error instanceof ApiError && error.status >= 400 && error.status < 500;
  return (
    <div className="state state-error" role="alert">
      <p>{describeError(error)}</p>
      {retry && !refused && (
        <button type="button" className="button secondary" onClick={retry}>
          {t("ui.tryAgain")}
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

/** Where async results are announced to screen readers. */
export function Status({ children, tone = "info" }: { children: ReactNode; tone?: "info" | "ok" | "error" }) {
  return (
    <p className={`status status-${tone}`} role={tone === "error" ? "alert" : "status"} aria-live="polite">
      {children}
    </p>
  );
}
