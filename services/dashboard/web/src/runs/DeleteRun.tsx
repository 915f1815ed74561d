import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import { useDeleteRun } from "./queries";

/** Delete a run, after the runner confirms. */
export function DeleteRun({ id, name }: { id: number; name: string }) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const remove = useDeleteRun();
  const navigate = useNavigate();

  return (
    <>
      <button type="button" className="button danger" onClick={() => setAsking(true)}>
        {t("runs.delete.button")}
      </button>
      {asking && (
        <ConfirmDialog title={t("runs.delete.title")} confirmLabel={t("runs.delete.yes")} cancelLabel={t("runs.delete.keep")}
          pending={remove.isPending} error={remove.error}
          onCancel={() => { setAsking(false); remove.reset(); }}
          onConfirm={() => remove.mutate(id, { onSuccess: () => { void navigate("/runs", { replace: true }); } })}>
          <p>{t("runs.delete.explain", { name })}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
