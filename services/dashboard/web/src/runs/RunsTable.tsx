import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { RunSummary } from "../api/client";
import {
  formatDateTime,
  formatDistance,
  formatDuration,
  formatElevation,
  formatHeartRate,
  formatPace,
  type Units,
} from "../format/units";

export function RunsTable({ runs, units, timeZone, caption }: {
  runs: RunSummary[];
  units: Units;
  timeZone: string;
  caption?: string;
}) {
  const { t } = useTranslation();
  const label = {
    date: t("runs.table.date"),
    name: t("runs.table.name"),
    distance: t("common.distance"),
    time: t("common.time"),
    pace: t("common.pace"),
    elevation: t("runs.table.elevation"),
    heartRate: t("runs.table.heartRate"),
  };
  return (
    <div className="table-wrap">
      <table className="runs-table">
        <caption className="visually-hidden">{caption ?? t("runs.table.caption")}</caption>
        <thead>
          <tr>
            <th scope="col">{label.date}</th>
            <th scope="col">{label.name}</th>
            <th scope="col" className="num">{label.distance}</th>
            <th scope="col" className="num">{label.time}</th>
            <th scope="col" className="num">{label.pace}</th>
            <th scope="col" className="num">{label.elevation}</th>
            <th scope="col" className="num">{label.heartRate}</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id} data-testid="run-row">
              <td data-label={label.date}>{formatDateTime(run.started_at, run.time_zone ?? timeZone)}</td>
              <td data-label={label.name}>
                <Link to={`/runs/${run.id}`}>{run.name || t("runs.untitled")}</Link>
              </td>
              <td data-label={label.distance} className="num">{formatDistance(run.distance_m, units)}</td>
              <td data-label={label.time} className="num">{formatDuration(run.moving_time_s)}</td>
              <td data-label={label.pace} className="num">{formatPace(run.distance_m, run.moving_time_s, units)}</td>
              <td data-label={label.elevation} className="num">{formatElevation(run.elevation_gain_m, units)}</td>
              <td data-label={label.heartRate} className="num">{formatHeartRate(run.average_hr)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
