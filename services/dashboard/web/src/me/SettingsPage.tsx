import { SubscriptionToggle } from "../reports/SubscriptionToggle";
import { LinkOutcome } from "../strava/LinkOutcome";
import { StravaCard } from "../strava/StravaCard";
import { Card } from "../ui/Card";
import { ErrorState, Loading } from "../ui/States";
import { DeleteAccount } from "./DeleteAccount";
import { ExportData } from "./ExportData";
import { ProfileForm } from "./ProfileForm";
import { useMe } from "./queries";
import { LanguageForm } from "./LanguageForm";
import { UnitsForm } from "./UnitsForm";
import { useTranslation } from "react-i18next";

export default function SettingsPage() {
  const me = useMe();
  const { t } = useTranslation();
  if (me.isPending) return <Loading />;
  if (me.isError || !me.data) return <ErrorState error={me.error} retry={() => me.refetch()} />;
  const { account, profile } = me.data;
  return (
    <div>
      <h1>{t("settings.title")}</h1>
      <p className="muted">{t("settings.signedInAs", { email: account.email })}</p>
      <LinkOutcome />
      <div className="two-columns">
        <Card title={t("settings.profile")}>
          <ProfileForm profile={profile} />
        </Card>
        <div className="stack">
          <Card title={t("settings.language.title")}>
            <LanguageForm language={profile.language ?? null} />
          </Card>
          <Card title={t("settings.units.title")}>
            <UnitsForm units={profile.units} />
          </Card>
          <StravaCard manage />
          <Card title={t("settings.monthlyReport")}>
            <SubscriptionToggle />
          </Card>
          <Card title={t("settings.export.title")}>
            <ExportData />
          </Card>
          <Card title={t("settings.delete.title")} className="danger-zone">
            <DeleteAccount />
          </Card>
        </div>
      </div>
    </div>
  );
}
