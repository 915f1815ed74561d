import { lazy, Suspense, useMemo } from "react";
import { Link, useParams } from "react-router";
import { isStatus } from "../api/problem";
import {
  formatDateTime,
  formatDistance,
  formatDuration,
  formatElevation,
  formatHeartRate,
  formatPace,
} from "../format/units";
import { usePreferences } from "../me/queries";
import { Card } from "../ui/Card";
import { NotFound } from "../ui/NotFound";
import { Empty, ErrorState, Loading } from "../ui/States";
import { DeleteRun } from "./DeleteRun";
import { routeOf } from "./polyline";
import { useRun } from "./queries";
import { splitsPerMile } from "./splits";
import { SplitsTable } from "./SplitsTable";
import { streamSeries } from "./streams";

const FETCHING = "Fetching this run's detail from Strava…";

const RunMap = lazy(() => import("./RunMap"));
const RunCharts = lazy(() => import("./RunCharts"));

export default function RunPage() {
  const id = Number(useParams().runId);
  const run = useRun(id);
  const { units, timeZone } = usePreferences();
  const route = useMemo(
    () => (run.data ? routeOf(run.data.summary_polyline, run.data.streams?.latlng) : null),
    [run.data],
  );
  const series = useMemo(() => (run.data ? streamSeries(run.data.streams, units) : null), [run.data, units]);
  // Per km as the run came; per mile cut from its streams for a runner in miles.
  const splits = useMemo(
    () => (run.data ? (units === "mi" ? splitsPerMile(run.data.streams) : run.data.splits ?? []) : []),
    [run.data, units],
  );

  if (!Number.isInteger(id) || id < 1)
    return <NotFound title="Run not found">This address is not a run’s. <Link to="/runs">See your runs</Link></NotFound>;
  if (run.isPending) return <Loading label="Loading the run…" />;
  if (run.isError && isStatus(run.error, 404))
    return <NotFound title="Run not found">There is no such run: it was deleted, or the address is wrong. <Link to="/runs">See your runs</Link></NotFound>;
  if (run.isError) return <ErrorState error={run.error} retry={() => run.refetch()} />;
  const data = run.data;
  const time = data.moving_time_s;

  return (
    <div className="run-page">
      <p>
        <Link to="/runs">← All runs</Link>
      </p>
      <h1>{data.name || "Run"}</h1>
      <p className="muted">{formatDateTime(data.started_at, data.time_zone ?? timeZone)}</p>
      <dl className="figures">
        <div><dt>Distance</dt><dd>{formatDistance(data.distance_m, units)}</dd></div>
        <div><dt>Moving time</dt><dd>{formatDuration(time)}</dd></div>
        <div><dt>Pace</dt><dd>{formatPace(data.distance_m, time, units)}</dd></div>
        <div><dt>Elevation gain</dt><dd>{formatElevation(data.elevation_gain_m, units)}</dd></div>
        <div><dt>Heart rate</dt><dd>{formatHeartRate(data.average_hr)}</dd></div>
        <div><dt>Max heart rate</dt><dd>{formatHeartRate(data.max_hr)}</dd></div>
      </dl>
      <div className="run-grid">
        <Card title="Route">
          {route ? (
            <Suspense fallback={<Loading label="Loading the map…" />}>
              <RunMap route={route} />
            </Suspense>
          ) : (
            <Empty>This run has no route (a treadmill run, or its source sent none).</Empty>
          )}
        </Card>
        <Card title="Splits">
          {splits.length ? (
            <SplitsTable splits={splits} units={units} />
          ) : data.streams_pending ? (
            <Loading label={FETCHING} />
          ) : (
            <Empty>No splits for this run.</Empty>
          )}
        </Card>
      </div>
      <Card title="Charts">
        {series ? (
          <Suspense fallback={<Loading label="Loading the charts…" />}>
            <RunCharts series={series} units={units} />
          </Suspense>
        ) : data.streams_pending ? (
          <Loading label={FETCHING} />
        ) : (
          <Empty>This run has no recorded streams to chart.</Empty>
        )}
      </Card>
      <DeleteRun id={data.id} name={data.name || "this run"} />
    </div>
  );
}
