import { useState } from "react";
import { useNavigate } from "react-router";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import { useDeleteRun } from "./queries";

/** Delete a run, after the runner confirms. */
export function DeleteRun({ id, name }: { id: number; name: string }) {
  const [asking, setAsking] = useState(false);
  const remove = useDeleteRun();
  const navigate = useNavigate();

  return (
    <>
      <button type="button" className="button danger" onClick={() => setAsking(true)}>
        Delete run
      </button>
      {asking && (
        <ConfirmDialog title="Delete this run?" confirmLabel="Yes, delete it" cancelLabel="Keep it" pending={remove.isPending} error={remove.error}
          onCancel={() => { setAsking(false); remove.reset(); }}
          onConfirm={() => remove.mutate(id, { onSuccess: () => { void navigate("/runs", { replace: true }); } })}>
          <p>“{name}” is deleted for good, with its map, splits and charts.</p>
        </ConfirmDialog>
      )}
    </>
  );
}
