import { Link } from "react-router";
import { formatDuration, formatPace, type Units } from "../format/units";
import { usePreferences } from "../me/queries";
import { Card } from "../ui/Card";
import { Empty, ErrorState, Loading } from "../ui/States";
import { TableWrap } from "../ui/TableWrap";
import { useRecords, type BestEffort } from "./queries";

const DISTANCE_NAMES: Record<BestEffort["distance"], string> = {
  "1k": "1 km",
  "5k": "5 km",
  "10k": "10 km",
  half: "Half marathon",
  marathon: "Marathon",
};

/** The day a run started, on the runner's clock: "1 Apr 2026". */
function formatRunDay(iso: string, timeZone: string): string {
  const options: Intl.DateTimeFormatOptions = { day: "numeric", month: "short", year: "numeric" };
  try {
    return new Intl.DateTimeFormat(undefined, { ...options, timeZone }).format(new Date(iso));
  } catch {
    // A zone this browser does not know: the day in the browser's own zone.
    return new Intl.DateTimeFormat(undefined, options).format(new Date(iso));
  }
}

function RecordsTable({ records, units, timeZone }: { records: BestEffort[]; units: Units; timeZone: string }) {
  return (
    <TableWrap label="Personal records table">
      <table>
        <caption className="visually-hidden">Personal records: the fastest time over each distance</caption>
        <thead>
          <tr>
            <th scope="col">Distance</th>
            <th scope="col" className="num">Time</th>
            <th scope="col" className="num">Pace</th>
            <th scope="col">Set on</th>
          </tr>
        </thead>
        <tbody>
          {records.map((record) => (
            <tr key={record.distance} data-testid="record-row">
              <th scope="row">{DISTANCE_NAMES[record.distance]}</th>
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
  return (
    <Card title="Personal records">
      {records.isPending && <Loading label="Loading records…" />}
      {records.isError && <ErrorState error={records.error} retry={() => records.refetch()} />}
      {records.data?.length === 0 && (
        <Empty>No records yet: your fastest 1 km, 5 km, 10 km, half and marathon will show here once you run them.</Empty>
      )}
      {records.data && records.data.length > 0 && (
        <RecordsTable records={records.data} units={units} timeZone={timeZone} />
      )}
    </Card>
  );
}
