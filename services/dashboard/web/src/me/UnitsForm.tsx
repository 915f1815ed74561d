import { useState } from "react";
import type { Units } from "../format/units";
import { FormError } from "../ui/FormError";
import { Status } from "../ui/States";
import { useUpdateProfile } from "./queries";
import { useTranslation } from "react-i18next";

/** Kilometres or miles, applied everywhere at once. */
export function UnitsForm({ units }: { units: Units }) {
  const update = useUpdateProfile();
  const { t } = useTranslation();
  // The choice shows at once; it goes back if the API refuses it.
  const [selected, setSelected] = useState<Units>(units);

  function choose(value: Units) {
    setSelected(value);
    update.mutate({ units: value }, { onError: () => setSelected(units) });
  }

  return (
    <fieldset className="units">
      <legend>{t("settings.units.legend")}</legend>
      {(["km", "mi"] as const).map((value) => (
        <label key={value} className="radio">
          <input type="radio" name="units" value={value} checked={selected === value} onChange={() => choose(value)} />
          {t(`settings.units.${value}`)}
        </label>
      ))}
      {update.isSuccess && <Status tone="ok">{t("settings.units.saved")}</Status>}
      <FormError error={update.error} />
    </fieldset>
  );
}
