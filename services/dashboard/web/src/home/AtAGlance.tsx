import { formatDistance, formatTimeSpent, type Units } from "../format/units";
import { useStats, type Period } from "../stats/queries";
import { Card } from "../ui/Card";
import { ErrorState, Loading } from "../ui/States";
import { useTranslation } from "react-i18next";

/** This week's or this month's totals: the last bucket of the stats. */
export function AtAGlance({ period, title, units }: { period: Period; title: string; units: Units }) {
  const stats = useStats(period);
  const { t } = useTranslation();
  const current = stats.data?.buckets.at(-1);
  return (
    <Card title={title} className="glance">
      {stats.isPending && <Loading />}
      {stats.isError && <ErrorState error={stats.error} retry={() => stats.refetch()} />}
      {stats.isSuccess && (
        <dl className="figures" data-testid={`glance-${period}`}>
          <div><dt>{t("common.distance")}</dt><dd>{formatDistance(current?.distance_m ?? 0, units, 1)}</dd></div>
          <div><dt>{t("common.movingTime")}</dt><dd>{formatTimeSpent(current?.moving_time_s ?? 0)}</dd></div>
          <div><dt>{t("common.runs")}</dt><dd>{current?.runs ?? 0}</dd></div>
        </dl>
      )}
    </Card>
  );
}
