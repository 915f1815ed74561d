import { useState } from "react";
import type { Units } from "../format/units";
import { FormError } from "../ui/FormError";
import { Status } from "../ui/States";
import { useUpdateProfile } from "./queries";

/** Kilometres or miles, applied everywhere at once. */
export function UnitsForm({ units }: { units: Units }) {
  const update = useUpdateProfile();
  // The choice shows at once; it goes back if the API refuses it.
  const [selected, setSelected] = useState<Units>(units);

  function choose(value: Units) {
    setSelected(value);
    update.mutate({ units: value }, { onError: () => setSelected(units) });
  }

  return (
    <fieldset className="units">
      <legend>Distances in</legend>
      {(["km", "mi"] as const).map((value) => (
        <label key={value} className="radio">
          <input type="radio" name="units" value={value} checked={selected === value} onChange={() => choose(value)} />
          {value === "km" ? "Kilometres (km, m)" : "Miles (mi, ft)"}
        </label>
      ))}
      {update.isSuccess && <Status tone="ok">Units saved.</Status>}
      <FormError error={update.error} />
    </fieldset>
  );
}
