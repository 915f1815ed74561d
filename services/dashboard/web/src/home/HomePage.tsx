import { useMe, usePreferences } from "../me/queries";
import { StravaCard } from "../strava/StravaCard";
import { Card } from "../ui/Card";
import { ErrorState, Loading } from "../ui/States";
import { AtAGlance } from "./AtAGlance";
import { EnteredRaces } from "./EnteredRaces";
import { RecentRuns } from "./RecentRuns";
import { Welcome } from "./Welcome";

export default function HomePage() {
  const me = useMe();
  const { units, timeZone } = usePreferences();
  if (me.isPending) return <Loading />;
  if (me.isError) return <ErrorState error={me.error} retry={() => me.refetch()} />;
  if (!me.data) return <Welcome />;
  const name = me.data.profile.display_name;
  return (
    <div>
      <h1>{name ? `Hello, ${name}` : "Hello"}</h1>
      <div className="home-grid">
        <AtAGlance period="week" title="This week" units={units} />
        <AtAGlance period="month" title="This month" units={units} />
        <RecentRuns units={units} timeZone={timeZone} />
        <EnteredRaces units={units} />
        <Card title="Next workouts">
          <p className="muted">Plans are coming: pick a race and Runnerly will plan the weeks before it.</p>
        </Card>
        <StravaCard />
      </div>
    </div>
  );
}
