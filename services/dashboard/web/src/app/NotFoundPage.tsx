import { Trans, useTranslation } from "react-i18next";
import { Link } from "react-router";
import { NotFound } from "../ui/NotFound";

export default function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <NotFound title={t("app.notFound.title")}>
      <Trans i18nKey="app.notFound.text" components={{ home: <Link to="/" /> }} />
    </NotFound>
  );
}
