import { useState } from "react";
import { useNavigate } from "react-router";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import { Field } from "../ui/Field";
import { useDeleteAccount } from "./queries";

const PHRASE = "delete my account";

/** Delete the account for good, once the runner types the phrase in the confirmation. */
export function DeleteAccount() {
  const navigate = useNavigate();
  const remove = useDeleteAccount(() => { void navigate("/account-deleted", { replace: true }); });
  const [asking, setAsking] = useState(false);
  const [typed, setTyped] = useState("");

  const ready = typed.trim().toLowerCase() === PHRASE;
  function confirm() {
    if (ready) remove.mutate();
  }

  function cancel() {
    setAsking(false);
    setTyped("");
    remove.reset();
  }

  return (
    <div>
      <p>
        This deletes your account, runs, plans, reports, race entries, Strava link and the mail sent to you, for good.
      </p>
      <button type="button" className="button danger" onClick={() => setAsking(true)}>
        Delete my account
      </button>
      {asking && (
        <ConfirmDialog title="Delete your account?" confirmLabel="Delete my account" cancelLabel="Keep my account"
          pending={remove.isPending} error={remove.error} confirmDisabled={!ready}
          onCancel={cancel}
          onConfirm={confirm}>
          <p>
            Your account, runs, plans, reports, race entries, Strava link and the mail sent to you are deleted for good.
            Type <strong>{PHRASE}</strong> to confirm.
          </p>
          <Field label="Confirmation" name="confirm-delete" autoComplete="off" value={typed} data-autofocus
            onChange={(e) => setTyped(e.target.value)} onKeyDown={(e) => { if (e.key === "Enter") confirm(); }} />
        </ConfirmDialog>
      )}
    </div>
  );
}
