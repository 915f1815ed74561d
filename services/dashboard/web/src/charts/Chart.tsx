import { useEffect, useRef } from "react";
import { echarts, type EChartsCoreOption } from "./echarts";

/** One ECharts chart (canvas), resized with its box. The summary is its accessible name. */
export default function Chart({ option, label, testId }: {
  option: EChartsCoreOption;
  label: string;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!box.current) return;
    const chart = echarts.init(box.current, undefined, { renderer: "canvas" });
    chart.setOption(option);
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(box.current);
    return () => {
      observer.disconnect();
      chart.dispose();
    };
  }, [option]);

  return <div ref={box} className="chart" role="img" aria-label={label} data-testid={testId} />;
}
