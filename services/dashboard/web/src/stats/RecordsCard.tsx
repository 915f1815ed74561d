import { Link } from "react-router";
import { formatDuration, formatPace, type Units } from "../format/units";
import { usePreferences } from "../me/queries";
import { Card } from "../ui/Card";
import { Empty, ErrorState, Loading } from "../ui/States";
import { TableWrap } from "../ui/TableWrap";
import { useRecords, type BestEffort } from "./queries";
import { currentLocale } from "../i18n/language";
import { useTranslation } from "react-i18next";


/** The day a run started, on the runner's clock: "1 Apr 2026". */
function formatRunDay(iso: string, timeZone: string): string {
  const options: Intl.DateTimeFormatOptions = { day: "numeric", month: "short", year: "numeric" };
  try {
    return new Intl.DateTimeFormat(currentLocale(), { ...options, timeZone }).format(new Date(iso));
  } catch {
    // A zone this browser does not know: the day in the browser's own zone.
    return new Intl.DateTimeFormat(currentLocale(), options).format(new Date(iso));
  }
}

function RecordsTable({ records, units, timeZone }: { records: BestEffort[]; units: Units; timeZone: string }) {
  const { t } = useTranslation();
  return (
    <TableWrap label={t("records.tableLabel")}>
      <table>
        <caption className="visually-hidden">{t("records.caption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("common.distance")}</th>
            <th scope="col" className="num">{t("common.time")}</th>
            <th scope="col" className="num">{t("common.pace")}</th>
            <th scope="col">{t("records.setOn")}</th>
          </tr>
        </thead>
        <tbody>
          {records.map((record) => (
            <tr key={record.distance} data-testid="record-row">
              <th scope="row">{t(`efforts.${record.distance}`)}</th>
              <td className="num">{formatDuration(record.elapsed_time_s)}</td>
              <td className="num">{formatPace(record.distance_m, record.elapsed_time_s, units)}</td>
              <td>
                <Link to={`/runs/${record.run_id}`}>{formatRunDay(record.started_at, timeZone)}</Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** The runner's best effort over each standard distance, each linked to the run it was set in. */
export default function RecordsCard() {
  const records = useRecords();
  const { units, timeZone } = usePreferences();
  const { t } = useTranslation();
  return (
    <Card title={t("records.title")}>
      {records.isPending && <Loading label={t("records.loading")} />}
      {records.isError && <ErrorState error={records.error} retry={() => records.refetch()} />}
      {records.data?.length === 0 && (
        <Empty>{t("records.none")}</Empty>
      )}
      {records.data && records.data.length > 0 && (
        <RecordsTable records={records.data} units={units} timeZone={timeZone} />
      )}
    </Card>
  );
}
