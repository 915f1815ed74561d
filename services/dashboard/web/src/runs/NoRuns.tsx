import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { Empty } from "../ui/States";

/** What an empty runs list says: how runs get in. */
export function NoRuns({ filtered = false }: { filtered?: boolean }) {
  const { t } = useTranslation();
  if (filtered) return <Empty>{t("runs.none.filtered")}</Empty>;
  return (
    <Empty>
      <p>
        <strong>{t("runs.none.title")}</strong> {t("runs.none.how")}
      </p>
      <p>
        <Link to="/settings">{t("runs.none.linkStrava")}</Link> · <Link to="/import">{t("runs.none.import")}</Link>
      </p>
    </Empty>
  );
}
