import { useEffect, useRef } from "react";
import { Link, useSearchParams } from "react-router";
import { ApiError } from "../api/problem";
import { ErrorState, Loading, Status } from "../ui/States";
import { useConfirm } from "./queries";

/** Where the mailed link lands: confirms the account with its token. */
export default function ConfirmPage() {
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
      <h1>Confirm your account</h1>
      {!token && <Status tone="error">This link has no token. Open the link from your mail again.</Status>}
      {confirm.isPending && <Loading label="Confirming…" />}
      {confirm.isError && !alreadyConfirmed && <ErrorState error={confirm.error} />}
      {alreadyConfirmed && <Status tone="ok">Your account is already confirmed: you can log in.</Status>}
      {confirm.isSuccess && <Status tone="ok">Your account {confirm.data.email} is confirmed.</Status>}
      {(confirm.isSuccess || alreadyConfirmed) && (
        <p>
          <Link className="button" to="/login">Log in</Link>
        </p>
      )}
    </div>
  );
}
