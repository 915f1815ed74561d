import { Link } from "react-router";

export function Welcome() {
  return (
    <div className="welcome">
      <h1>Runnerly</h1>
      <p className="lead">Your runs, your races and your training, on a server you control.</p>
      <p>
        <Link className="button" to="/signup">Sign up</Link> <Link className="button secondary" to="/login">Log in</Link>
      </p>
    </div>
  );
}
