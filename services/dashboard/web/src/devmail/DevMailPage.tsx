import { Fragment } from "react";
import { useTranslation } from "react-i18next";
import { formatDateTime } from "../format/units";
import { usePreferences } from "../me/queries";
import { Empty, ErrorState, Loading } from "../ui/States";
import { useDevMail } from "./queries";

const URL_PATTERN = /(https?:\/\/[^\s<>"]+)/g;

/** Mail text with its links made clickable. */
export function LinkedText({ text }: { text: string }) {
  const parts = text.split(URL_PATTERN);
  return (
    <>
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <a key={i} href={part}>
            {part}
          </a>
        ) : (
          <Fragment key={i}>{part}</Fragment>
        ),
      )}
    </>
  );
}

export default function DevMailPage() {
  const { t } = useTranslation();
  const mail = useDevMail();
  const { timeZone } = usePreferences();
  return (
    <div>
      <h1>{t("devmail.title")}</h1>
      <p className="muted">{t("devmail.lead")}</p>
      <button type="button" className="button secondary" onClick={() => mail.refetch()}>
        {t("devmail.refresh")}
      </button>
      {mail.isPending && <Loading />}
      {mail.isError && <ErrorState error={mail.error} retry={() => mail.refetch()} />}
      {mail.data === null && <Empty>{t("devmail.noMailbox")}</Empty>}
      {mail.data?.items.length === 0 && <Empty>{t("devmail.none")}</Empty>}
      {mail.data && mail.data.items.length > 0 && (
        <ol className="mail-list" aria-live="polite">
          {mail.data.items.map((message) => (
            <li key={message.id} className="card mail">
              <h2>{message.subject}</h2>
              <p className="muted">
                {t("devmail.to", { to: message.to, date: formatDateTime(message.date, timeZone) })}
              </p>
              <pre className="mail-text">
                <LinkedText text={message.text} />
              </pre>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
