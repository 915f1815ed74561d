import { useState, type SubmitEvent } from "react";
import { Link } from "react-router";
import { browserTimeZone, timeZones } from "../format/units";
import { Field, SelectField } from "../ui/Field";
import { fieldErrors } from "../api/problem";
import { FormError } from "../ui/FormError";
import { Status } from "../ui/States";
import { useSignup } from "./queries";
import { passwordBounds, passwordHint, signupRules } from "./rules";

export default function SignupPage() {
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
        <h1>Check your mail</h1>
        <Status tone="ok">
          We sent a confirmation link to <strong>{signup.data.email}</strong>. Open it to activate your
          account, then log in.
        </Status>
        <p>
          <Link to="/login">Go to log in</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="narrow">
      <h1>Create your account</h1>
      <form onSubmit={submit} className="form" noValidate>
        <Field label="Email" type="email" name="email" autoComplete="email" required value={email}
          maxLength={signupRules.email.maxLength}
          onChange={(e) => setEmail(e.target.value)} errors={fieldErrors(signup.error, "email")} />
        <Field label="Password" type="password" name="password" autoComplete="new-password" required
          value={password} onChange={(e) => setPassword(e.target.value)}
          {...passwordBounds(signupRules.password)}
          errors={fieldErrors(signup.error, "password")}
          hint={passwordHint(signupRules.password)} />
        <SelectField label="Time zone" name="time_zone" value={timeZone} onChange={setTimeZone}
          options={(zones.includes(timeZone) ? zones : [timeZone, ...zones]).map((z) => ({ value: z, label: z.replaceAll("_", " ") }))} />
        <FormError error={signup.error} fields={["email", "password"]} />
        <button className="button" type="submit" disabled={signup.isPending}>
          {signup.isPending ? "Signing up…" : "Sign up"}
        </button>
      </form>
      <p>
        Already have an account? <Link to="/login">Log in</Link>
      </p>
    </div>
  );
}
