import { usePreferences } from "../me/queries";
import { Card } from "../ui/Card";
import { Empty, ErrorState, Loading } from "../ui/States";
import { RaceForm } from "./RaceForm";
import { RaceItem } from "./RaceItem";
import { useRaces } from "./queries";

export default function RacesPage() {
  const races = useRaces();
  const { units } = usePreferences();
  const items = races.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div>
      <h1>Races</h1>
      <div className="two-columns">
        <Card title="Upcoming races">
          {races.isPending && <Loading label="Loading races…" />}
          {races.isError && <ErrorState error={races.error} retry={() => races.refetch()} />}
          {races.isSuccess && items.length === 0 && <Empty>No upcoming races yet. Add the next one you know of.</Empty>}
          {items.length > 0 && (
            <ul className="race-list">
              {items.map((race) => (
                <RaceItem key={race.id} race={race} units={units} />
              ))}
            </ul>
          )}
          {races.hasNextPage && (
            <button type="button" className="button secondary" onClick={() => races.fetchNextPage()}>
              More races
            </button>
          )}
        </Card>
        <Card title="Add a race">
          <RaceForm units={units} />
        </Card>
      </div>
    </div>
  );
}
