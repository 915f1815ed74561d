import { lazy, Suspense, useMemo } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { isStatus } from "../api/problem";
import { usePageName } from "../app/pageName";
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

const RunMap = lazy(() => import("./RunMap"));
const RunCharts = lazy(() => import("./RunCharts"));

export default function RunPage() {
  const { t } = useTranslation();
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
  usePageName(run.data ? run.data.name || t("runs.untitled") : undefined);
  const seeRuns = { runs: <Link to="/runs" /> };

  if (!Number.isInteger(id) || id < 1)
    return <NotFound title={t("runs.run.notFound")}><Trans i18nKey="runs.run.badAddress" components={seeRuns} /></NotFound>;
  if (run.isPending) return <Loading label={t("runs.run.loading")} />;
  if (run.isError && isStatus(run.error, 404))
    return <NotFound title={t("runs.run.notFound")}><Trans i18nKey="runs.run.gone" components={seeRuns} /></NotFound>;
  if (run.isError) return <ErrorState error={run.error} retry={() => run.refetch()} />;
  const data = run.data;
  const time = data.moving_time_s;

  return (
    <div className="run-page">
      <p>
        <Link to="/runs">{t("runs.run.allRuns")}</Link>
      </p>
      <h1>{data.name || t("runs.untitled")}</h1>
      <p className="muted">{formatDateTime(data.started_at, data.time_zone ?? timeZone)}</p>
      <dl className="figures">
        <div><dt>{t("common.distance")}</dt><dd>{formatDistance(data.distance_m, units)}</dd></div>
        <div><dt>{t("common.movingTime")}</dt><dd>{formatDuration(time)}</dd></div>
        <div><dt>{t("common.pace")}</dt><dd>{formatPace(data.distance_m, time, units)}</dd></div>
        <div><dt>{t("common.elevationGain")}</dt><dd>{formatElevation(data.elevation_gain_m, units)}</dd></div>
        <div><dt>{t("runs.run.heartRate")}</dt><dd>{formatHeartRate(data.average_hr)}</dd></div>
        <div><dt>{t("runs.run.maxHeartRate")}</dt><dd>{formatHeartRate(data.max_hr)}</dd></div>
      </dl>
      <div className="run-grid">
        <Card title={t("runs.run.route")}>
          {route ? (
            <Suspense fallback={<Loading label={t("runs.run.loadingMap")} />}>
              <RunMap route={route} />
            </Suspense>
          ) : (
            <Empty>{t("runs.run.noRoute")}</Empty>
          )}
        </Card>
        <Card title={t("runs.run.splits")}>
          {splits.length ? (
            <SplitsTable splits={splits} units={units} />
          ) : data.streams_pending ? (
            <Loading label={t("runs.run.fetching")} />
          ) : (
            <Empty>{t("runs.run.noSplits")}</Empty>
          )}
        </Card>
      </div>
      <Card title={t("runs.run.charts")}>
        {series ? (
          <Suspense fallback={<Loading label={t("runs.run.loadingCharts")} />}>
            <RunCharts series={series} units={units} />
          </Suspense>
        ) : data.streams_pending ? (
          <Loading label={t("runs.run.fetching")} />
        ) : (
          <Empty>{t("runs.run.noStreams")}</Empty>
        )}
      </Card>
      <DeleteRun id={data.id} name={data.name || t("runs.delete.thisRun")} />
    </div>
  );
}
