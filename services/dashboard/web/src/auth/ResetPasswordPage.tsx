import { useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { Field } from "../ui/Field";
import { fieldErrors } from "../api/problem";
import { FormError } from "../ui/FormError";
import { Status } from "../ui/States";
import { useConfirmReset } from "./queries";
import { passwordBounds, passwordHint, resetRules } from "./rules";

export default function ResetPasswordPage() {
  const { t } = useTranslation();
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
      <h1>{t("auth.reset.title")}</h1>
      {!token && <Status tone="error">{t("auth.noToken")}</Status>}
      {reset.isSuccess ? (
        <>
          <Status tone="ok">{t("auth.reset.changed")}</Status>
          <p>
            <Link className="button" to="/login">{t("auth.logIn")}</Link>
          </p>
        </>
      ) : (
        <form onSubmit={submit} className="form" noValidate>
          <Field label={t("auth.reset.newPassword")} type="password" name="password" autoComplete="new-password" required
            value={password} onChange={(e) => setPassword(e.target.value)}
            {...passwordBounds(resetRules.password)}
            errors={fieldErrors(reset.error, "password")} hint={passwordHint(resetRules.password)} />
          <FormError error={reset.error} fields={["password"]} inContext={{ 400: t("auth.reset.linkRefused") }} />
          <button className="button" type="submit" disabled={reset.isPending || !token}>
            {t("auth.reset.submit")}
          </button>
        </form>
      )}
    </div>
  );
}
