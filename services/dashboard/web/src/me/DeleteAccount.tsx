import { useState, type SubmitEvent } from "react";
import { useNavigate } from "react-router";
import { Field } from "../ui/Field";
import { FormError } from "../ui/FormError";
import { useDeleteAccount } from "./queries";
import { Trans, useTranslation } from "react-i18next";


/** Delete the account for good, once the runner types the phrase. */
export function DeleteAccount() {
  const remove = useDeleteAccount();
  const navigate = useNavigate();
  const [typed, setTyped] = useState("");
  const { t } = useTranslation();
  // The phrase is typed in the language shown: a runner types what they read.
  const phrase = t("settings.delete.phrase");

  function submit(event: SubmitEvent) {
    event.preventDefault();
    remove.mutate(undefined, { onSuccess: () => { void navigate("/", { replace: true }); } });
  }

  return (
    <form className="form" onSubmit={submit} aria-label={t("settings.delete.title")}>
      <p>
        <Trans i18nKey="settings.delete.explain" values={{ phrase }} components={{ strong: <strong /> }} />
      </p>
      <Field label={t("settings.delete.confirmation")} name="confirm-delete" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} />
      <FormError error={remove.error} />
      <button className="button danger" type="submit" disabled={typed.trim().toLowerCase() !== phrase.toLowerCase() || remove.isPending}>
        {t("settings.delete.button")}
      </button>
    </form>
  );
}
