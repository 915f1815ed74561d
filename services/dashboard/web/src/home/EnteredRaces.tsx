import { Link } from "react-router";
import { formatDay, formatDistance, type Units } from "../format/units";
import { useRaces } from "../races/queries";
import { Card } from "../ui/Card";
import { ErrorState, Loading } from "../ui/States";

export function EnteredRaces({ units }: { units: Units }) {
  const races = useRaces();
  const entered = races.data?.pages.flatMap((p) => p.items).filter((r) => r.entered) ?? [];
  return (
    <Card title="Your races" actions={<Link to="/races">All races</Link>}>
      {races.isPending && <Loading />}
      {races.isError && <ErrorState error={races.error} retry={() => races.refetch()} />}
      {races.isSuccess && entered.length === 0 && (
        <p className="muted">
          You have not entered a race yet. <Link to="/races">Find one</Link>
        </p>
      )}
      {entered.length > 0 && (
        <ul className="plain-list">
          {entered.map((race) => (
            <li key={race.id}>
              <strong>{race.name}</strong>
              <span className="muted"> · {formatDay(race.date)} · {formatDistance(race.distance_m, units, 1)}</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
