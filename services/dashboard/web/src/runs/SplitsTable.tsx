import { useTranslation } from "react-i18next";
import { formatDistance, formatDuration, formatHeartRate, formatPace, type Units } from "../format/units";
import type { Split } from "../api/types";
import { TableWrap } from "../ui/TableWrap";

/** Splits per km (as the run's source cut them) or per mile (`splitsPerMile`). */
export function SplitsTable({ splits, units }: { splits: Split[]; units: Units }) {
  const { t } = useTranslation();
  return (
    <TableWrap label={t("runs.splits.tableLabel")}>
      <table className="splits-table">
        <caption className="visually-hidden">{t("runs.splits.caption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("runs.splits.number")}</th>
            <th scope="col" className="num">{t("common.distance")}</th>
            <th scope="col" className="num">{t("common.time")}</th>
            <th scope="col" className="num">{t("common.pace")}</th>
            <th scope="col" className="num">
              <abbr title={t("runs.splits.elevationChange")}>{t("runs.splits.elev")}</abbr>
            </th>
            <th scope="col" className="num">
              <abbr title={t("runs.splits.averageHeartRate")}>{t("runs.splits.hr")}</abbr>
            </th>
          </tr>
        </thead>
        <tbody>
          {splits.map((split, i) => {
            const time = split.moving_time_s ?? split.elapsed_time_s;
            const diff = split.elevation_difference_m;
            return (
              <tr key={i}>
                <td>{i + 1}</td>
                <td className="num">{formatDistance(split.distance_m, units)}</td>
                <td className="num">{formatDuration(time)}</td>
                <td className="num">{formatPace(split.distance_m, time, units)}</td>
                <td className="num">
                  {diff == null ? "–" : `${diff >= 0 ? "+" : "−"}${Math.abs(Math.round(units === "mi" ? diff * 3.28084 : diff))} ${units === "mi" ? "ft" : "m"}`}
                </td>
                <td className="num">{formatHeartRate(split.average_hr)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableWrap>
  );
}
