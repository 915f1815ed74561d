import { useId, useState } from "react";
import { FormError } from "../ui/FormError";
import { ErrorState, Loading, Status } from "../ui/States";
import { useSetSubscription, useSubscription } from "./queries";
import { useTranslation } from "react-i18next";

/** Opt out of the monthly mail, or back in; the reports stay on the reports page either way. */
export function SubscriptionToggle() {
  const subscription = useSubscription();
  const update = useSetSubscription();
  const hintId = useId();
  const { t } = useTranslation();
  // The box shows the choice at once (a controlled box must change in the click's own
  // render); once the API has answered, it shows what the API holds.
  const [choice, setChoice] = useState<boolean | null>(null);

  if (subscription.isPending) return <Loading label={t("reports.subscription.loading")} />;
  if (subscription.isError) return <ErrorState error={subscription.error} retry={() => subscription.refetch()} />;
  const subscribed = choice ?? subscription.data.subscribed;
  return (
    <div className="report-subscription">
      <label className="radio">
        <input
          type="checkbox"
          checked={subscribed}
          aria-describedby={hintId}
          onChange={(event) => {
            setChoice(event.target.checked);
            update.mutate(event.target.checked, { onSettled: () => setChoice(null) });
          }}
        />
        {t("reports.subscription.label")}
      </label>
      <p className="field-hint" id={hintId}>
        {t("reports.subscription.hint")}
      </p>
      {update.isSuccess && (
        <Status tone="ok">
          {update.data.subscribed ? t("reports.subscription.on") : t("reports.subscription.off")}
        </Status>
      )}
      <FormError error={update.error} />
    </div>
  );
}
