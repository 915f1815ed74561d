import { useState, type SubmitEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { Field } from "../ui/Field";
import { fieldErrors } from "../api/problem";
import { FormError } from "../ui/FormError";
import { Status } from "../ui/States";
import { useConfirmReset } from "./queries";
import { passwordBounds, passwordHint, resetRules } from "./rules";

export default function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const reset = useConfirmReset();
  const [password, setPassword] = useState("");

  function submit(event: SubmitEvent) {
    event.preventDefault();
    reset.mutate({ token, password });
  }

  return (
    <div className="narrow">
      <h1>Choose a new password</h1>
      {!token && <Status tone="error">This link has no token. Open the link from your mail again.</Status>}
      {reset.isSuccess ? (
        <>
          <Status tone="ok">Your password is changed.</Status>
          <p>
            <Link className="button" to="/login">Log in</Link>
          </p>
        </>
      ) : (
        <form onSubmit={submit} className="form" noValidate>
          <Field label="New password" type="password" name="password" autoComplete="new-password" required
            value={password} onChange={(e) => setPassword(e.target.value)}
            {...passwordBounds(resetRules.password)}
            errors={fieldErrors(reset.error, "password")} hint={passwordHint(resetRules.password)} />
          <FormError error={reset.error} fields={["password"]} />
          <button className="button" type="submit" disabled={reset.isPending || !token}>
            Change password
          </button>
        </form>
      )}
    </div>
  );
}
