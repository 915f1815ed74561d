import { useMutation } from "@tanstack/react-query";
import { FormError } from "../ui/FormError";
import { Status } from "../ui/States";
import { download, gatherExport } from "./exportData";

export function ExportData() {
  const exporter = useMutation({
    mutationFn: gatherExport,
    onSuccess: (data) => download(`runnerly-export-${data.exported_at.slice(0, 10)}.json`, data),
  });
  return (
    <div>
      <p>Download your profile, every run, your records, the races you entered, your plans and reports, and your Strava link as one JSON file.</p>
      <button type="button" className="button secondary" disabled={exporter.isPending} onClick={() => exporter.mutate()}>
        {exporter.isPending ? "Gathering…" : "Export my data"}
      </button>
      {exporter.isSuccess && <Status tone="ok">Exported {exporter.data.runs.length} runs.</Status>}
      <FormError error={exporter.error} />
    </div>
  );
}
