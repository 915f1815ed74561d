import { useState } from "react";
import { Link } from "react-router";
import type { RaceRead } from "../api/client";
import { formatDay, formatDistance, type Units } from "../format/units";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import { useDeleteRace, useEntry } from "./queries";

export function RaceItem({ race, units }: { race: RaceRead; units: Units }) {
  const entry = useEntry();
  const remove = useDeleteRace();
  const [asking, setAsking] = useState(false);
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
          {race.entrants} {race.entrants === 1 ? "runner" : "runners"} entered{race.entered ? ", you too" : ""}
        </p>
        <Link to={`/plans?race=${race.id}`}>Create a plan for this race</Link>
      </div>
      <button type="button" className={`button ${race.entered ? "secondary" : ""}`} disabled={entry.isPending}
        onClick={() => entry.mutate({ id: race.id, enter: !race.entered })}
        aria-label={`${race.entered ? "Leave" : "Enter"} ${race.name}`}>
        {race.entered ? "Leave" : "Enter"}
      </button>
      {removable && (
        <button type="button" className="button secondary" onClick={() => setAsking(true)} aria-label={`Delete ${race.name}`}>
          Delete
        </button>
      )}
      {entry.isError && <p className="field-error" role="alert">{entry.error.message}</p>}
      {asking && (
        <ConfirmDialog title="Delete this race?" confirmLabel="Yes, delete it" cancelLabel="Keep it"
          pending={remove.isPending} error={remove.error}
          onCancel={() => { setAsking(false); remove.reset(); }}
          onConfirm={() => remove.mutate(race.id, { onSuccess: () => { setAsking(false); } })}>
          <p>{race.name} is removed from the races every runner sees.</p>
        </ConfirmDialog>
      )}
    </li>
  );
}
