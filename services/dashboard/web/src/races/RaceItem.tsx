import { Link } from "react-router";
import type { RaceRead } from "../api/client";
import { formatDay, formatDistance, type Units } from "../format/units";
import { useEntry } from "./queries";
import { useTranslation } from "react-i18next";

export function RaceItem({ race, units }: { race: RaceRead; units: Units }) {
  const entry = useEntry();
  const { t } = useTranslation();
  return (
    <li className="race" data-testid="race">
      <div className="race-main">
        <h3>{race.url ? <a href={race.url} rel="noopener noreferrer" target="_blank">{race.name}</a> : race.name}</h3>
        <p className="muted">
          {formatDay(race.date)} · {formatDistance(race.distance_m, units, 1)}
          {race.location ? ` · ${race.location}` : ""}
        </p>
        <p className="entrants" aria-live="polite">
          {t(race.entered ? "races.entrantsWithYou" : "races.entrants", { count: race.entrants })}
        </p>
        <Link to={`/plans?race=${race.id}`}>{t("races.createPlan")}</Link>
      </div>
      <button type="button" className={`button ${race.entered ? "secondary" : ""}`} disabled={entry.isPending}
        onClick={() => entry.mutate({ id: race.id, enter: !race.entered })}
        aria-label={t(race.entered ? "races.leaveNamed" : "races.enterNamed", { name: race.name })}>
        {race.entered ? t("races.leave") : t("races.enter")}
      </button>
      {entry.isError && <p className="field-error" role="alert">{entry.error.message}</p>}
    </li>
  );
}
