import { useState, type SubmitEvent } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link } from "react-router";
import { browserTimeZone, timeZones } from "../format/units";
import { Field, SelectField } from "../ui/Field";
import { fieldErrors } from "../api/problem";
import { FormError } from "../ui/FormError";
import { Status } from "../ui/States";
import { useSignup } from "./queries";
import { passwordBounds, passwordHint, signupRules } from "./rules";

export default function SignupPage() {
  const { t } = useTranslation();
  const signup = useSignup();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  // The browser's zone, so weeks, months and run times are the runner's from the start.
  const [timeZone, setTimeZone] = useState(browserTimeZone);
  const zones = timeZones();

  function submit(event: SubmitEvent) {
    event.preventDefault();
    signup.mutate({ email, password, time_zone: timeZone });
  }

  if (signup.isSuccess) {
    return (
      <div className="narrow">
        <h1>{t("auth.signup.checkMail")}</h1>
        <Status tone="ok">
          <Trans i18nKey="auth.signup.sent" values={{ email: signup.data.email }} components={{ strong: <strong /> }} />
        </Status>
        <p>
          <Link to="/login">{t("auth.signup.goToLogIn")}</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="narrow">
      <h1>{t("auth.signup.title")}</h1>
      <form onSubmit={submit} className="form" noValidate>
        <Field label={t("auth.email")} type="email" name="email" autoComplete="email" required value={email}
          maxLength={signupRules.email.maxLength}
          onChange={(e) => setEmail(e.target.value)} errors={fieldErrors(signup.error, "email")} />
        <Field label={t("auth.password")} type="password" name="password" autoComplete="new-password" required
          value={password} onChange={(e) => setPassword(e.target.value)}
          {...passwordBounds(signupRules.password)}
          errors={fieldErrors(signup.error, "password")}
          hint={passwordHint(signupRules.password)} />
        <SelectField label={t("auth.signup.timeZone")} name="time_zone" value={timeZone} onChange={setTimeZone}
          options={(zones.includes(timeZone) ? zones : [timeZone, ...zones]).map((z) => ({ value: z, label: z.replaceAll("_", " ") }))} />
        <FormError error={signup.error} fields={["email", "password"]} />
        <button className="button" type="submit" disabled={signup.isPending}>
          {signup.isPending ? t("auth.signup.pending") : t("auth.signup.submit")}
        </button>
      </form>
      <p>
        <Trans i18nKey="auth.signup.haveAccount" components={{ login: <Link to="/login" /> }} />
      </p>
    </div>
  );
}
