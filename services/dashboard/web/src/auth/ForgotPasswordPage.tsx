import { useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { Field } from "../ui/Field";
import { FormError } from "../ui/FormError";
import { Status } from "../ui/States";
import { useRequestReset } from "./queries";
import { resetRequestRules } from "./rules";

export default function ForgotPasswordPage() {
  const { t } = useTranslation();
  const reset = useRequestReset();
  const [email, setEmail] = useState("");

  function submit(event: SubmitEvent) {
    event.preventDefault();
    reset.mutate(email);
  }

  return (
    <div className="narrow">
      <h1>{t("auth.forgot.title")}</h1>
      {reset.isSuccess ? (
        <Status tone="ok">{t("auth.forgot.sent", { email })}</Status>
      ) : (
        <form onSubmit={submit} className="form">
          <Field label={t("auth.email")} type="email" name="email" autoComplete="email" required value={email}
            maxLength={resetRequestRules.email.maxLength} onChange={(e) => setEmail(e.target.value)} />
          <FormError error={reset.error} />
          <button className="button" type="submit" disabled={reset.isPending}>
            {t("auth.forgot.submit")}
          </button>
        </form>
      )}
    </div>
  );
}
