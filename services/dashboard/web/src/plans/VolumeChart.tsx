import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import Chart from "../charts/Chart";
import { toDistanceUnits, type Units } from "../format/units";
import type { PlanWeek } from "./queries";

const round = (value: number) => Math.round(value * 10) / 10;

/** Planned volume per week, coloured by phase, with the distance run next to it. */
export default function VolumeChart({ weeks, units }: { weeks: PlanWeek[]; units: Units }) {
  const { t } = useTranslation();
  const option = useMemo(
    () => ({
      animation: false,
      grid: { left: 48, right: 16, top: 40, bottom: 32 },
      legend: { top: 0 },
      tooltip: { trigger: "axis", valueFormatter: (v: unknown) => `${Number(v).toFixed(1)} ${units}` },
      xAxis: { type: "category", data: weeks.map((w) => t("plans.volume.week", { number: w.index + 1 })) },
      yAxis: { type: "value", name: units },
      series: [
        {
          type: "bar",
          name: t("plans.volume.planned"),
          data: weeks.map((w) => ({
            value: round(toDistanceUnits(w.planned_distance_m, units)),
            itemStyle: { color: { base: "#8fb9ae", build: "#3f8f7c", peak: "#0b5f4f", taper: "#c5a46d" }[w.phase] },
          })),
        },
        {
          type: "bar",
          name: t("plans.volume.done"),
          itemStyle: { color: "#333" },
          data: weeks.map((w) => round(toDistanceUnits(w.adherence.done_distance_m, units))),
        },
      ],
    }),
    [weeks, units, t],
  );
  return <Chart option={option} label={t("plans.volume.label", { units })} testId="plan-volume-chart" />;
}
