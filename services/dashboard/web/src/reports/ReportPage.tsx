import { Link, useLocation, useParams } from "react-router";
import { isStatus } from "../api/problem";
import { formatDateTime } from "../format/units";
import { useMe, usePreferences } from "../me/queries";
import { FormError } from "../ui/FormError";
import { ErrorState, Loading, Status } from "../ui/States";
import { monthLabel } from "./content";
import { pdfUrl, useReport, useSendReport, type Report } from "./queries";
import "./reports.css";
import { ReportView } from "./ReportView";

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function Actions({ report }: { report: Report }) {
  const send = useSendReport();
  const me = useMe();
  const { timeZone } = usePreferences();
  const sentOnArrival = Boolean((useLocation().state as { sent?: boolean } | null)?.sent);
  const email = me.data?.account.email;
  const to = email ? ` to ${email}` : "";
  return (
    <div className="report-actions">
      <p className="muted">
        {report.sent_at
          ? `Mailed ${formatDateTime(report.sent_at, timeZone)}${report.send_count > 1 ? ` (${report.send_count} mails)` : ""}.`
          : "Not mailed yet."}
      </p>
      <p className="report-buttons">
        <a className="button secondary" href={pdfUrl(report.month)} download>
          Download PDF
        </a>{" "}
        <button type="button" className="button" disabled={send.isPending} onClick={() => send.mutate(report.month)}>
          {send.isPending ? "Sending…" : "Send it again"}
        </button>
      </p>
      {send.isSuccess && <Status tone="ok">Sent: the report is on its way{to}.</Status>}
      {!send.isSuccess && sentOnArrival && <Status tone="ok">Built and sent: the report is on its way{to}.</Status>}
      <FormError error={send.error} />
    </div>
  );
}

function NotBuilt({ month }: { month: string }) {
  const send = useSendReport();
  return (
    <div className="state state-empty">
      <p>There is no report of {monthLabel(month)} yet.</p>
      <p>Reports are built on the 1st of the next month. You can ask for a past month's now: it is mailed to you too.</p>
      <button type="button" className="button" disabled={send.isPending} onClick={() => send.mutate(month)}>
        {send.isPending ? "Building the report…" : "Build the report"}
      </button>
      <FormError error={send.error} />
    </div>
  );
}

export default function ReportPage() {
  const month = useParams().month ?? "";
  const valid = MONTH.test(month);
  const report = useReport(month, valid);
  const { units } = usePreferences();

  if (!valid) {
    return (
      <div>
        <h1>No such month</h1>
        <p>
          “{month}” is not a month. <Link to="/reports">See your reports</Link>.
        </p>
      </div>
    );
  }
  const label = monthLabel(month);
  return (
    <div>
      <p className="back-link">
        <Link to="/reports">All reports</Link>
      </p>
      <h1>Your {label} in running</h1>
      {report.isPending && <Loading label="Loading the report…" />}
      {report.isError && isStatus(report.error, 404) && <NotBuilt month={month} />}
      {report.isError && !isStatus(report.error, 404) && <ErrorState error={report.error} retry={() => report.refetch()} />}
      {report.isSuccess && (
        <>
          <Actions report={report.data} />
          <ReportView content={report.data.content} units={units} />
        </>
      )}
    </div>
  );
}
