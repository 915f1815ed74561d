import { useMemo } from "react";
import Chart from "../charts/Chart";
import { formatDuration, type Units } from "../format/units";
import { distanceAxis, type StreamSeries } from "./streams";

function lineOption(series: StreamSeries, values: (number | null)[], name: string, color: string,
  units: Units, format: (v: number) => string, inverse = false) {
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
    yAxis: { type: "value", scale: true, inverse, axisLabel: { formatter: format } },
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
  const elevationUnit = units === "mi" ? "ft" : "m";
  const charts = useMemo(() => {
    const list = [];
    if (series.pace) {
      list.push({ title: "Pace", label: `Pace over distance, minutes per ${units}`,
        option: lineOption(series, series.pace, "Pace", "#0b5f4f", units, (v) => `${formatDuration(v)} /${units}`, true) });
    }
    if (series.heartrate) {
      list.push({ title: "Heart rate", label: "Heart rate over distance, beats per minute",
        option: lineOption(series, series.heartrate, "Heart rate", "#b3261e", units, (v) => `${Math.round(v)} bpm`) });
    }
    if (series.elevation) {
      list.push({ title: "Elevation", label: `Elevation over distance, in ${elevationUnit}`,
        option: lineOption(series, series.elevation, "Elevation", "#6b4f1d", units, (v) => `${Math.round(v)} ${elevationUnit}`) });
    }
    return list;
  }, [series, units, elevationUnit]);

  return (
    <div className="charts" data-testid="run-charts">
      {charts.map((chart) => (
        <figure key={chart.title} className="chart-figure">
          <figcaption>{chart.title}</figcaption>
          <Chart option={chart.option} label={chart.label} testId={`chart-${chart.title.toLowerCase().replace(" ", "-")}`} />
        </figure>
      ))}
    </div>
  );
}
