import { Link } from "react-router";
import { Status } from "../ui/States";

/** Where deleting the account ends, and where a tab still open on it lands afterwards. */
export default function AccountDeletedPage() {
  return (
    <div className="narrow">
      <h1>Your account is deleted</h1>
      <Status tone="ok">
        Your account and everything in it (runs, plans, reports, race entries, the Strava link) are gone from
        Runnerly.
      </Status>
      <p>
        Thank you for running with us. <Link to="/signup">Sign up</Link> again whenever you like.
      </p>
    </div>
  );
}
