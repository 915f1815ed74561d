import { useEffect, useRef } from "react";
import { Link, useSearchParams } from "react-router";
import { ErrorState, Loading, Status } from "../ui/States";
import { useConfirm } from "./queries";

/** Where the mailed link lands: confirms the account with its token. */
export default function ConfirmPage() {
  const [params] = useSearchParams();
  const token = params.get("token");
  const confirm = useConfirm();
  const sent = useRef(false);

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
      {confirm.isError && <ErrorState error={confirm.error} />}
      {confirm.isSuccess && (
        <>
          <Status tone="ok">Your account {confirm.data.email} is confirmed.</Status>
          <p>
            <Link className="button" to="/login">Log in</Link>
          </p>
        </>
      )}
    </div>
  );
}
