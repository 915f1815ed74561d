import { useState, type SubmitEvent } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link, useLocation, useNavigate } from "react-router";
import { Field } from "../ui/Field";
import { FormError } from "../ui/FormError";
import { useLogin } from "./queries";

export default function LoginPage() {
  const { t } = useTranslation();
  const login = useLogin();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const next = (location.state as { from?: string } | null)?.from ?? "/";

  function submit(event: SubmitEvent) {
    event.preventDefault();
    login.mutate({ email, password }, { onSuccess: () => { void navigate(next, { replace: true }); } });
  }

  return (
    <div className="narrow">
      <h1>{t("auth.login.title")}</h1>
      <form onSubmit={submit} className="form">
        <Field label={t("auth.email")} type="email" name="email" autoComplete="email" required value={email}
          onChange={(e) => setEmail(e.target.value)} />
        <Field label={t("auth.password")} type="password" name="password" autoComplete="current-password" required
          value={password} onChange={(e) => setPassword(e.target.value)} />
        <FormError
          error={login.error}
          inContext={{
            401: t("auth.login.wrongCredentials"),
            403: t("auth.login.notConfirmed"),
            429: t("auth.login.throttled"),
          }}
        />
        <button className="button" type="submit" disabled={login.isPending}>
          {login.isPending ? t("auth.login.pending") : t("auth.logIn")}
        </button>
      </form>
      <p>
        <Link to="/forgot-password">{t("auth.login.forgot")}</Link> ·{" "}
        <Trans i18nKey="auth.login.newHere" components={{ signup: <Link to="/signup" /> }} />
      </p>
    </div>
  );
}
