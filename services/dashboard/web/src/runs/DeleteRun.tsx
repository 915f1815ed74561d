import { useState } from "react";
import { useNavigate } from "react-router";
import { FormError } from "../ui/FormError";
import { useDeleteRun } from "./queries";

/** Delete a run, after the runner confirms. */
export function DeleteRun({ id, name }: { id: number; name: string }) {
  const [asking, setAsking] = useState(false);
  const remove = useDeleteRun();
  const navigate = useNavigate();

  if (!asking) {
    return (
      <button type="button" className="button danger" onClick={() => setAsking(true)}>
        Delete run
      </button>
    );
  }
  return (
    <div className="confirm-box" role="group" aria-label="Confirm deletion">
      <p>Delete “{name}” for good?</p>
      <button type="button" className="button danger" disabled={remove.isPending}
        onClick={() => remove.mutate(id, { onSuccess: () => { void navigate("/runs", { replace: true }); } })}>
        Yes, delete it
      </button>
      <button type="button" className="button secondary" onClick={() => setAsking(false)}>
        Keep it
      </button>
      <FormError error={remove.error} />
    </div>
  );
}
