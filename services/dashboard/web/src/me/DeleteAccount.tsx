import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import { Field } from "../ui/Field";
import { useDeleteAccount } from "./queries";

/** Delete the account for good, once the runner types the phrase in the confirmation. */
export function DeleteAccount() {
  const navigate = useNavigate();
  const remove = useDeleteAccount(() => { void navigate("/account-deleted", { replace: true }); });
  const [asking, setAsking] = useState(false);
  const [typed, setTyped] = useState("");
  const { t } = useTranslation();
  // The phrase is typed in the language shown: a runner types what they read.
  const phrase = t("settings.delete.phrase");

  const ready = typed.trim().toLowerCase() === phrase.toLowerCase();
  function confirm() {
    if (ready) remove.mutate();
  }

  function cancel() {
    setAsking(false);
    setTyped("");
    remove.reset();
  }

  return (
    <div>
      <p>{t("settings.delete.lead")}</p>
      <button type="button" className="button danger" onClick={() => setAsking(true)}>
        {t("settings.delete.button")}
      </button>
      {asking && (
        <ConfirmDialog title={t("settings.delete.question")} confirmLabel={t("settings.delete.button")}
          cancelLabel={t("settings.delete.keep")}
          pending={remove.isPending} error={remove.error} confirmDisabled={!ready}
          onCancel={cancel}
          onConfirm={confirm}>
          <p>
            <Trans i18nKey="settings.delete.explain" values={{ phrase }} components={{ strong: <strong /> }} />
          </p>
          <Field label={t("settings.delete.confirmation")} name="confirm-delete" autoComplete="off" value={typed} data-autofocus
            onChange={(e) => setTyped(e.target.value)} onKeyDown={(e) => { if (e.key === "Enter") confirm(); }} />
        </ConfirmDialog>
      )}
    </div>
  );
}
