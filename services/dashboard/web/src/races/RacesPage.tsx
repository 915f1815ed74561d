import { usePreferences } from "../me/queries";
import { Card } from "../ui/Card";
import { Empty, ErrorState, Loading } from "../ui/States";
import { RaceForm } from "./RaceForm";
import { RaceItem } from "./RaceItem";
import { useRaces } from "./queries";
import { useTranslation } from "react-i18next";

export default function RacesPage() {
  const races = useRaces();
  const { units } = usePreferences();
  const { t } = useTranslation();
  const items = races.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div>
      <h1>{t("races.title")}</h1>
      <div className="two-columns">
        <Card title={t("races.upcoming")}>
          {races.isPending && <Loading label={t("races.loading")} />}
          {races.isError && <ErrorState error={races.error} retry={() => races.refetch()} />}
          {races.isSuccess && items.length === 0 && <Empty>{t("races.none")}</Empty>}
          {items.length > 0 && (
            <ul className="race-list">
              {items.map((race) => (
                <RaceItem key={race.id} race={race} units={units} />
              ))}
            </ul>
          )}
          {races.hasNextPage && (
            <button type="button" className="button secondary" onClick={() => races.fetchNextPage()}>
              {t("races.more")}
            </button>
          )}
        </Card>
        <Card title={t("races.add")}>
          <RaceForm units={units} />
        </Card>
      </div>
    </div>
  );
}
