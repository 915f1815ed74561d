import { Trans, useTranslation } from "react-i18next";
import { Link } from "react-router";
import { Status } from "../ui/States";

/** Where deleting the account ends, and where a tab still open on it lands afterwards. */
export default function AccountDeletedPage() {
  const { t } = useTranslation();
  return (
    <div className="narrow">
      <h1>{t("app.accountDeleted.title")}</h1>
      <Status tone="ok">{t("app.accountDeleted.gone")}</Status>
      <p>
        <Trans i18nKey="app.accountDeleted.thanks" components={{ signup: <Link to="/signup" /> }} />
      </p>
    </div>
  );
}
