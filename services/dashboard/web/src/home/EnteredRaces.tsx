import { Link } from "react-router";
import { formatDay, formatDistance, type Units } from "../format/units";
import { useRaces } from "../races/queries";
import { Card } from "../ui/Card";
import { ErrorState, Loading } from "../ui/States";
import { Trans, useTranslation } from "react-i18next";

export function EnteredRaces({ units }: { units: Units }) {
  const races = useRaces();
  const { t } = useTranslation();
  const entered = races.data?.pages.flatMap((p) => p.items).filter((r) => r.entered) ?? [];
  return (
    <Card title={t("home.races.title")} actions={<Link to="/races">{t("home.races.all")}</Link>}>
      {races.isPending && <Loading />}
      {races.isError && <ErrorState error={races.error} retry={() => races.refetch()} />}
      {races.isSuccess && entered.length === 0 && (
        <p className="muted">
          <Trans i18nKey="home.races.none" components={{ find: <Link to="/races" /> }} />
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
