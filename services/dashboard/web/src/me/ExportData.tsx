import { useMutation } from "@tanstack/react-query";
import { FormError } from "../ui/FormError";
import { Status } from "../ui/States";
import { download, gatherExport } from "./exportData";
import { useTranslation } from "react-i18next";

export function ExportData() {
  const { t } = useTranslation();
  const exporter = useMutation({
    mutationFn: gatherExport,
    onSuccess: (data) => download(`runnerly-export-${data.exported_at.slice(0, 10)}.json`, data),
  });
  return (
    <div>
      <p>{t("settings.export.explain")}</p>
      <button type="button" className="button secondary" disabled={exporter.isPending} onClick={() => exporter.mutate()}>
        {exporter.isPending ? t("settings.export.gathering") : t("settings.export.button")}
      </button>
      {exporter.isSuccess && <Status tone="ok">{t("settings.export.done", { count: exporter.data.runs.length })}</Status>}
      <FormError error={exporter.error} />
    </div>
  );
}
