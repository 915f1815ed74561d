import { useMe, usePreferences } from "../me/queries";
import { StravaCard } from "../strava/StravaCard";
import { ErrorState, Loading } from "../ui/States";
import { AtAGlance } from "./AtAGlance";
import { EnteredRaces } from "./EnteredRaces";
import { NextWorkouts } from "./NextWorkouts";
import { RecentRuns } from "./RecentRuns";
import { Welcome } from "./Welcome";
import { useTranslation } from "react-i18next";

export default function HomePage() {
  const me = useMe();
  const { t } = useTranslation();
  const { units, timeZone } = usePreferences();
  if (me.isPending) return <Loading />;
  if (me.isError) return <ErrorState error={me.error} retry={() => me.refetch()} />;
  if (!me.data) return <Welcome />;
  const name = me.data.profile.display_name;
  return (
    <div>
      <h1>{name ? t("home.helloName", { name }) : t("home.hello")}</h1>
      <div className="home-grid">
        <AtAGlance period="week" title={t("home.thisWeek")} units={units} />
        <AtAGlance period="month" title={t("home.thisMonth")} units={units} />
        <RecentRuns units={units} timeZone={timeZone} />
        <EnteredRaces units={units} />
        <NextWorkouts units={units} />
        <StravaCard />
      </div>
    </div>
  );
}
