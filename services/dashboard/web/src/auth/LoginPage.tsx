import { useState, type SubmitEvent } from "react";
import { Link, useLocation, useNavigate } from "react-router";
import { Field } from "../ui/Field";
import { FormError } from "../ui/FormError";
import { useLogin } from "./queries";

export default function LoginPage() {
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
      <h1>Log in</h1>
      <form onSubmit={submit} className="form">
        <Field label="Email" type="email" name="email" autoComplete="email" required value={email}
          onChange={(e) => setEmail(e.target.value)} />
        <Field label="Password" type="password" name="password" autoComplete="current-password" required
          value={password} onChange={(e) => setPassword(e.target.value)} />
        <FormError error={login.error} />
        <button className="button" type="submit" disabled={login.isPending}>
          {login.isPending ? "Logging in…" : "Log in"}
        </button>
      </form>
      <p>
        <Link to="/forgot-password">Forgot your password?</Link> · New here? <Link to="/signup">Sign up</Link>
      </p>
    </div>
  );
}
