import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { ApiError } from "../api/problem";
import { ErrorState, Loading, Status } from "../ui/States";
import { useConfirm } from "./queries";

/** Where the mailed link lands: confirms the account with its token. */
export default function ConfirmPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get("token");
  const confirm = useConfirm();
  const sent = useRef(false);
  // The link opened again (or an older mail's): not a failure, the account is ready.
  const alreadyConfirmed = confirm.error instanceof ApiError && confirm.error.problem.reason === "already_confirmed";

  useEffect(() => {
    if (token && !sent.current) {
      sent.current = true;
      confirm.mutate(token);
    }
  }, [token, confirm]);

  return (
    <div className="narrow">
      <h1>{t("auth.confirm.title")}</h1>
      {!token && <Status tone="error">{t("auth.noToken")}</Status>}
      {confirm.isPending && <Loading label={t("auth.confirm.confirming")} />}
      {confirm.isError && !alreadyConfirmed && <ErrorState error={confirm.error} />}
      {alreadyConfirmed && <Status tone="ok">{t("auth.confirm.already")}</Status>}
      {confirm.isSuccess && <Status tone="ok">{t("auth.confirm.done", { email: confirm.data.email })}</Status>}
      {(confirm.isSuccess || alreadyConfirmed) && (
        <p>
          <Link className="button" to="/login">{t("auth.logIn")}</Link>
        </p>
      )}
    </div>
  );
}
