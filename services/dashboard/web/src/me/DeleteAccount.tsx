import { useState, type SubmitEvent } from "react";
import { useNavigate } from "react-router";
import { Field } from "../ui/Field";
import { FormError } from "../ui/FormError";
import { useDeleteAccount } from "./queries";

const PHRASE = "delete my account";

/** Delete the account for good, once the runner types the phrase. */
export function DeleteAccount() {
  const remove = useDeleteAccount();
  const navigate = useNavigate();
  const [typed, setTyped] = useState("");

  function submit(event: SubmitEvent) {
    event.preventDefault();
    remove.mutate(undefined, { onSuccess: () => { void navigate("/", { replace: true }); } });
  }

  return (
    <form className="form" onSubmit={submit} aria-label="Delete account">
      <p>
        This deletes your account, runs, plans, reports, race entries, Strava link and the mail sent to you, for good. Type <strong>{PHRASE}</strong> to
        confirm.
      </p>
      <Field label="Confirmation" name="confirm-delete" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} />
      <FormError error={remove.error} />
      <button className="button danger" type="submit" disabled={typed.trim().toLowerCase() !== PHRASE || remove.isPending}>
        Delete my account
      </button>
    </form>
  );
}
