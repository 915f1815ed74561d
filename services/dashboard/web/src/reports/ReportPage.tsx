import { Link, useLocation, useParams } from "react-router";
import { isStatus } from "../api/problem";
import { usePageName } from "../app/pageName";
import { formatDateTime } from "../format/units";
import { useMe, usePreferences } from "../me/queries";
import { FormError } from "../ui/FormError";
import { ErrorState, Loading, Status } from "../ui/States";
import { monthLabel } from "./content";
import { pdfUrl, useReport, useSendReport, type Report } from "./queries";
import "./reports.css";
import { ReportView } from "./ReportView";
import { Trans, useTranslation } from "react-i18next";

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function Actions({ report }: { report: Report }) {
  const send = useSendReport();
  const me = useMe();
  const { timeZone } = usePreferences();
  const sentOnArrival = Boolean((useLocation().state as { sent?: boolean } | null)?.sent);
  const email = me.data?.account.email;
  const { t } = useTranslation();
  const sentAt = report.sent_at ? formatDateTime(report.sent_at, timeZone) : null;
  return (
    <div className="report-actions">
      <p className="muted">
        {sentAt
          ? report.send_count > 1
            ? t("reports.mailedAtTimes", { when: sentAt, count: report.send_count })
            : t("reports.mailedAt", { when: sentAt })
          : t("reports.notMailedYet")}
      </p>
      <p className="report-buttons">
        <a className="button secondary" href={pdfUrl(report.month)} download>
          {t("reports.downloadPdf")}
        </a>{" "}
        <button type="button" className="button" disabled={send.isPending} onClick={() => send.mutate(report.month)}>
          {send.isPending ? t("reports.sending") : t("reports.sendAgain")}
        </button>
      </p>
      {send.isSuccess && <Status tone="ok">{email ? t("reports.sentTo", { email }) : t("reports.sent")}</Status>}
      {!send.isSuccess && sentOnArrival && <Status tone="ok">{email ? t("reports.builtAndSentTo", { email }) : t("reports.builtAndSent")}</Status>}
      <FormError error={send.error} />
    </div>
  );
}

function NotBuilt({ month }: { month: string }) {
  const send = useSendReport();
  const { t } = useTranslation();
  return (
    <div className="state state-empty">
      <p>{t("reports.notBuilt", { month: monthLabel(month) })}</p>
      <p>{t("reports.notBuiltExplain")}</p>
      <button type="button" className="button" disabled={send.isPending} onClick={() => send.mutate(month)}>
        {send.isPending ? t("reports.building") : t("reports.build")}
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
  const { t } = useTranslation();
  usePageName(valid ? t("reports.heading", { month: monthLabel(month) }) : null);

  if (!valid) {
    return (
      <div>
        <h1>{t("reports.noSuchMonth")}</h1>
        <p>
          <Trans i18nKey="reports.notAMonth" values={{ month }} components={{ reports: <Link to="/reports" /> }} />
        </p>
      </div>
    );
  }
  const label = monthLabel(month);
  return (
    <div>
      <p className="back-link">
        <Link to="/reports">{t("reports.all")}</Link>
      </p>
      <h1>{t("reports.heading", { month: label })}</h1>
      {report.isPending && <Loading label={t("reports.loadingOne")} />}
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
