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
import { useTranslation } from "react-i18next";

function ReportItem({ report, units }: { report: ReportSummary; units: Units }) {
  const { t } = useTranslation();
  return (
    <li className="report-item" data-testid="report-item">
      <h3>
        <Link to={`/reports/${report.month}`}>{monthLabel(report.month)}</Link>
      </h3>
      <p className="muted">
        {report.has_runs
          ? `${t("reports.runCount", { count: report.runs })} · ${formatDistance(report.distance_m, units, 1)}`
          : t("reports.rest")}
        {" · "}
        {report.status === "sent" ? t("reports.mailed") : t("reports.notMailed")}
      </p>
    </li>
  );
}

export default function ReportsPage() {
  const reports = useReports();
  const { units, timeZone } = usePreferences();
  const items = reports.data?.items ?? [];
  const { t } = useTranslation();
  return (
    <div>
      <h1>{t("reports.title")}</h1>
      <div className="two-columns">
        <Card title={t("reports.yours")}>
          {reports.isPending && <Loading label={t("reports.loading")} />}
          {reports.isError && <ErrorState error={reports.error} retry={() => reports.refetch()} />}
          {reports.isSuccess && items.length === 0 && (
            <Empty>
              <p>{t("reports.firstArrives")}</p>
              <p>{t("reports.whatItTells")}</p>
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
          <Card title={t("reports.byMail")}>
            <SubscriptionToggle />
          </Card>
          <Card title={t("reports.pastMonth")}>
            {reports.isPending ? <Loading /> : <AskForReport built={items.map((r) => r.month)} timeZone={timeZone} />}
          </Card>
        </div>
      </div>
    </div>
  );
}
