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

export function RunsTable({ runs, units, timeZone, caption = "Runs" }: {
  runs: RunSummary[];
  units: Units;
  timeZone: string;
  caption?: string;
}) {
  return (
    <div className="table-wrap">
      <table className="runs-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Name</th>
            <th scope="col" className="num">Distance</th>
            <th scope="col" className="num">Time</th>
            <th scope="col" className="num">Pace</th>
            <th scope="col" className="num">Elevation</th>
            <th scope="col" className="num">Heart rate</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id} data-testid="run-row">
              <td data-label="Date">{formatDateTime(run.started_at, run.time_zone ?? timeZone)}</td>
              <td data-label="Name">
                <Link to={`/runs/${run.id}`}>{run.name || "Run"}</Link>
              </td>
              <td data-label="Distance" className="num">{formatDistance(run.distance_m, units)}</td>
              <td data-label="Time" className="num">{formatDuration(run.moving_time_s)}</td>
              <td data-label="Pace" className="num">{formatPace(run.distance_m, run.moving_time_s, units)}</td>
              <td data-label="Elevation" className="num">{formatElevation(run.elevation_gain_m, units)}</td>
              <td data-label="Heart rate" className="num">{formatHeartRate(run.average_hr)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
