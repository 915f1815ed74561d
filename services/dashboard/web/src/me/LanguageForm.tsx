import { useState } from "react";
import { useTranslation } from "react-i18next";
import { browserLanguage, LANGUAGES, type Language } from "../i18n/language";
import { FormError } from "../ui/FormError";
import { Status } from "../ui/States";
import { useUpdateProfile } from "./queries";

// Each language is named in itself, so a runner finds theirs whatever the page is shown in.
const NAMES: Record<Language, string> = { en: "English", "zh-Hans": "简体中文" };

/** The language of the app, the mails and the PDF, applied at once. */
export function LanguageForm({ language }: { language: Language | null }) {
  const update = useUpdateProfile();
  const { t } = useTranslation();
  const [selected, setSelected] = useState<Language>(language ?? browserLanguage());

  function choose(value: Language) {
    setSelected(value);
    update.mutate({ language: value }, { onError: () => setSelected(language ?? browserLanguage()) });
  }

  return (
    <fieldset className="units">
      <legend>{t("settings.language.legend")}</legend>
      {LANGUAGES.map((value) => (
        <label key={value} className="radio" lang={value}>
          <input type="radio" name="language" value={value} checked={selected === value} onChange={() => choose(value)} />
          {NAMES[value]}
        </label>
      ))}
      <p className="field-hint">{t("settings.language.hint")}</p>
      {update.isSuccess && <Status tone="ok">{t("settings.language.saved")}</Status>}
      <FormError error={update.error} />
    </fieldset>
  );
}
