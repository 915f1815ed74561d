import { Link } from "react-router";
import { formatDistance, type Units } from "../format/units";
import { usePreferences } from "../me/queries";
import { Card } from "../ui/Card";
import { Empty, ErrorState, Loading } from "../ui/States";
import { AskForReport } from "./AskForReport";
import { monthLabel } from "./content";
import { useReports, type ReportSummary } from "./queries";
import "./reports.css";
import { SubscriptionToggle } from "./SubscriptionToggle";

function ReportItem({ report, units }: { report: ReportSummary; units: Units }) {
  return (
    <li className="report-item" data-testid="report-item">
      <h3>
        <Link to={`/reports/${report.month}`}>{monthLabel(report.month)}</Link>
      </h3>
      <p className="muted">
        {report.has_runs
          ? `${report.runs} ${report.runs === 1 ? "run" : "runs"} · ${formatDistance(report.distance_m, units, 1)}`
          : "No runs: a month of rest"}
        {" · "}
        {report.status === "sent" ? "mailed" : "not mailed"}
      </p>
    </li>
  );
}

export default function ReportsPage() {
  const reports = useReports();
  const { units, timeZone } = usePreferences();
  const items = reports.data?.items ?? [];
  return (
    <div>
      <h1>Monthly reports</h1>
      <div className="two-columns">
        <Card title="Your reports">
          {reports.isPending && <Loading label="Loading reports…" />}
          {reports.isError && <ErrorState error={reports.error} retry={() => reports.refetch()} />}
          {reports.isSuccess && items.length === 0 && (
            <Empty>
              <p>Your first report arrives on the 1st of next month.</p>
              <p>It tells how your month went: distance, time, highlights and best efforts, week by week.</p>
            </Empty>
          )}
          {items.length > 0 && (
            <ul className="report-list">
              {items.map((report) => (
                <ReportItem key={report.month} report={report} units={units} />
              ))}
            </ul>
          )}
        </Card>
        <div className="stack">
          <Card title="By mail">
            <SubscriptionToggle />
          </Card>
          <Card title="A past month">
            {reports.isPending ? <Loading /> : <AskForReport built={items.map((r) => r.month)} timeZone={timeZone} />}
          </Card>
        </div>
      </div>
    </div>
  );
}
