import { useState, type SubmitEvent } from "react";
import { Field } from "../ui/Field";
import { FormError } from "../ui/FormError";
import { Status } from "../ui/States";
import { useRequestReset } from "./queries";
import { resetRequestRules } from "./rules";

export default function ForgotPasswordPage() {
  const reset = useRequestReset();
  const [email, setEmail] = useState("");

  function submit(event: SubmitEvent) {
    event.preventDefault();
    reset.mutate(email);
  }

  return (
    <div className="narrow">
      <h1>Reset your password</h1>
      {reset.isSuccess ? (
        <Status tone="ok">If an account uses {email}, a link to choose a new password is on its way.</Status>
      ) : (
        <form onSubmit={submit} className="form">
          <Field label="Email" type="email" name="email" autoComplete="email" required value={email}
            maxLength={resetRequestRules.email.maxLength} onChange={(e) => setEmail(e.target.value)} />
          <FormError error={reset.error} />
          <button className="button" type="submit" disabled={reset.isPending}>
            Send the link
          </button>
        </form>
      )}
    </div>
  );
}
