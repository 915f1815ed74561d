import { useMemo, useState } from "react";
import type { StatsBucket } from "../api/client";
import Chart from "../charts/Chart";
import { formatDistance, formatTimeSpent, toDistanceUnits, type Units } from "../format/units";
import { usePreferences } from "../me/queries";
import { Card } from "../ui/Card";
import { ErrorState, Loading } from "../ui/States";
import RecordsCard from "./RecordsCard";
import { useStats, type Period } from "./queries";
import { TableWrap } from "../ui/TableWrap";
import { currentLocale } from "../i18n/language";
import { useTranslation } from "react-i18next";

const PERIODS: Period[] = ["week", "month", "year"];

function bucketLabel(start: string, period: Period): string {
  const [y, m, d] = start.split("-").map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  if (period === "year") return String(y);
  if (period === "month") return new Intl.DateTimeFormat(currentLocale(), { month: "short", year: "2-digit", timeZone: "UTC" }).format(date);
  return new Intl.DateTimeFormat(currentLocale(), { day: "numeric", month: "short", timeZone: "UTC" }).format(date);
}

function TotalsChart({ buckets, period, units }: { buckets: StatsBucket[]; period: Period; units: Units }) {
  const { t } = useTranslation();
  const option = useMemo(
    () => ({
      animation: false,
      grid: { left: 48, right: 16, top: 32, bottom: 32 },
      tooltip: { trigger: "axis", valueFormatter: (v: unknown) => `${Number(v).toFixed(1)} ${units}` },
      xAxis: { type: "category", data: buckets.map((b) => bucketLabel(b.start, period)) },
      yAxis: { type: "value", name: units },
      series: [
        {
          type: "bar",
          name: t("common.distance"),
          itemStyle: { color: "#0b5f4f" },
          data: buckets.map((b) => Math.round(toDistanceUnits(b.distance_m, units) * 10) / 10),
        },
      ],
    }),
    [buckets, period, units, t],
  );
  return <Chart option={option} label={t(`stats.chartLabel.${period}`, { units })} testId="stats-chart" />;
}

function TotalsTable({ buckets, period, units }: { buckets: StatsBucket[]; period: Period; units: Units }) {
  const { t } = useTranslation();
  return (
    <TableWrap label={t(`stats.tableLabel.${period}`)}>
      <table>
        <caption className="visually-hidden">{t(`stats.caption.${period}`)}</caption>
        <thead>
          <tr>
            <th scope="col">{t(`stats.column.${period}`)}</th>
            <th scope="col" className="num">{t("common.runs")}</th>
            <th scope="col" className="num">{t("common.distance")}</th>
            <th scope="col" className="num">{t("common.movingTime")}</th>
          </tr>
        </thead>
        <tbody>
          {[...buckets].reverse().map((b) => (
            <tr key={b.start}>
              <td>{bucketLabel(b.start, period)}</td>
              <td className="num">{b.runs}</td>
              <td className="num">{formatDistance(b.distance_m, units, 1)}</td>
              <td className="num">{formatTimeSpent(b.moving_time_s)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

export default function StatsPage() {
  const [period, setPeriod] = useState<Period>("week");
  const stats = useStats(period);
  const { units } = usePreferences();
  const { t } = useTranslation();

  return (
    <div>
      <h1>{t("stats.title")}</h1>
      <div className="segmented" role="group" aria-label={t("stats.period")}>
        {PERIODS.map((p) => (
          <button key={p} type="button" aria-pressed={period === p}
            className={period === p ? "active" : ""} onClick={() => setPeriod(p)}>
            {t(`stats.periods.${p}`)}
          </button>
        ))}
      </div>
      <Card title={t("common.distance")}>
        {stats.isPending && <Loading />}
        {stats.isError && <ErrorState error={stats.error} retry={() => stats.refetch()} />}
        {stats.data && (
          <>
            <TotalsChart buckets={stats.data.buckets} period={period} units={units} />
            <TotalsTable buckets={stats.data.buckets} period={period} units={units} />
          </>
        )}
      </Card>
      <RecordsCard />
    </div>
  );
}
