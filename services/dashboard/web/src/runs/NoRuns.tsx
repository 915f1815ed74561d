import { Link } from "react-router";
import { Empty } from "../ui/States";

/** What an empty runs list says: how runs get in. */
export function NoRuns({ filtered = false }: { filtered?: boolean }) {
  if (filtered) return <Empty>No runs match these filters. Widen them or clear them.</Empty>;
  return (
    <Empty>
      <p>
        <strong>No runs yet.</strong> Runs arrive when you link Strava or import files (GPX, TCX or FIT).
      </p>
      <p>
        <Link to="/settings">Link Strava</Link> · <Link to="/import">Import files</Link>
      </p>
    </Empty>
  );
}
