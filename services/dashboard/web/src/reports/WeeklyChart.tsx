import { useMemo } from "react";
import Chart from "../charts/Chart";
import { toDistanceUnits, type Units } from "../format/units";
import { weekRange, type WeekDistance } from "./content";
import { useTranslation } from "react-i18next";

/** The month's distance per Monday-to-Sunday week (only the month's days count). */
export default function WeeklyChart({ weeks, units }: { weeks: WeekDistance[]; units: Units }) {
  const { t } = useTranslation();
  const option = useMemo(
    () => ({
      animation: false,
      grid: { left: 48, right: 16, top: 32, bottom: 32 },
      tooltip: { trigger: "axis", valueFormatter: (v: unknown) => `${Number(v).toFixed(1)} ${units}` },
      xAxis: { type: "category", data: weeks.map((w) => weekRange(w)) },
      yAxis: { type: "value", name: units },
      series: [
        {
          type: "bar",
          name: t("common.distance"),
          itemStyle: { color: "#0b5f4f" },
          data: weeks.map((w) => Math.round(toDistanceUnits(w.distance_m, units) * 10) / 10),
        },
      ],
    }),
    [weeks, units, t],
  );
  return <Chart option={option} label={t("reports.weeklyChart", { units })} testId="report-weekly-chart" />;
}
