import { useState } from "react";
import { Link } from "react-router";
import type { RaceRead } from "../api/client";
import { formatDay, formatDistance, type Units } from "../format/units";
import { useTranslation } from "react-i18next";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import { useDeleteRace, useEntry } from "./queries";

export function RaceItem({ race, units }: { race: RaceRead; units: Units }) {
  const entry = useEntry();
  const remove = useDeleteRace();
  const [asking, setAsking] = useState(false);
  const { t } = useTranslation();
  // Only the runner who added a race may remove it, and only while nobody else entered.
  const removable = race.entrants - (race.entered ? 1 : 0) === 0;
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
      {removable && (
        <button type="button" className="button secondary" onClick={() => setAsking(true)} aria-label={t("races.deleteNamed", { name: race.name })}>
          {t("races.delete")}
        </button>
      )}
      {entry.isError && <p className="field-error" role="alert">{entry.error.message}</p>}
      {asking && (
        <ConfirmDialog title={t("races.deleteTitle")} confirmLabel={t("races.deleteYes")} cancelLabel={t("races.deleteKeep")}
          pending={remove.isPending} error={remove.error}
          onCancel={() => { setAsking(false); remove.reset(); }}
          onConfirm={() => remove.mutate(race.id, { onSuccess: () => { setAsking(false); } })}>
          <p>{t("races.deleteExplain", { name: race.name })}</p>
        </ConfirmDialog>
      )}
    </li>
  );
}
