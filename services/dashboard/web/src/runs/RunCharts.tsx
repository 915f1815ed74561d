import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import Chart from "../charts/Chart";
import { formatDuration, formatHeartRate, type Units } from "../format/units";
import { distanceAxis, type StreamSeries } from "./streams";

// The least step between two labels of a chart's value axis, in what it draws (seconds of
// pace, beats, metres or feet): labels are rounded to whole ones, and an even pace would
// otherwise be labelled "5:00 /km" three times over.
const MIN_STEP = { pace: 5, heartRate: 1, elevation: 1 };

function lineOption(series: StreamSeries, values: (number | null)[], name: string, color: string,
  units: Units, format: (v: number) => string, minInterval: number, inverse = false) {
  const axis = distanceAxis(series.distance[series.distance.length - 1]);
  return {
    animation: false,
    grid: { left: 56, right: 16, top: 16, bottom: 32 },
    tooltip: {
      trigger: "axis",
      valueFormatter: (v: unknown) => (typeof v === "number" ? format(v) : "–"),
    },
    xAxis: {
      type: "value",
      name: units,
      min: 0,
      max: axis.max,
      interval: axis.interval,
      axisLabel: { formatter: axis.format },
    },
    yAxis: { type: "value", scale: true, inverse, minInterval, axisLabel: { formatter: format } },
    series: [
      {
        type: "line",
        name,
        showSymbol: false,
        connectNulls: false,
        lineStyle: { color, width: 2 },
        itemStyle: { color },
        data: series.distance.map((d, i) => [d, values[i]]),
      },
    ],
  };
}

/** Pace, heart rate and elevation over distance. */
export default function RunCharts({ series, units }: { series: StreamSeries; units: Units }) {
  const { t } = useTranslation();
  const elevationUnit = units === "mi" ? "ft" : "m";
  const charts = useMemo(() => {
    const list = [];
    if (series.pace) {
      const title = t("runs.charts.pace");
      list.push({ id: "pace", title, label: t("runs.charts.paceLabel", { units }),
        option: lineOption(series, series.pace, title, "#0b5f4f", units, (v) => `${formatDuration(v)} /${units}`, MIN_STEP.pace, true) });
    }
    if (series.heartrate) {
      const title = t("runs.charts.heartRate");
      list.push({ id: "heart-rate", title, label: t("runs.charts.heartRateLabel"),
        option: lineOption(series, series.heartrate, title, "#b3261e", units, (v) => formatHeartRate(v), MIN_STEP.heartRate) });
    }
    if (series.elevation) {
      const title = t("runs.charts.elevation");
      list.push({ id: "elevation", title, label: t("runs.charts.elevationLabel", { unit: elevationUnit }),
        option: lineOption(series, series.elevation, title, "#6b4f1d", units, (v) => `${Math.round(v)} ${elevationUnit}`, MIN_STEP.elevation) });
    }
    return list;
  }, [series, units, elevationUnit, t]);

  return (
    <div className="charts" data-testid="run-charts">
      {charts.map((chart) => (
        <figure key={chart.id} className="chart-figure">
          <figcaption>{chart.title}</figcaption>
          <Chart option={chart.option} label={chart.label} testId={`chart-${chart.id}`} />
        </figure>
      ))}
    </div>
  );
}
