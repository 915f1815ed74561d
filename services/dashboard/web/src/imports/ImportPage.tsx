import { useTranslation } from "react-i18next";
import { Card } from "../ui/Card";
import { DropZone } from "./DropZone";

export default function ImportPage() {
  const { t } = useTranslation();
  return (
    <div>
      <h1>{t("imports.title")}</h1>
      <Card title={t("imports.card")}>
        <p className="muted">{t("imports.lead")}</p>
        <DropZone />
      </Card>
    </div>
  );
}
