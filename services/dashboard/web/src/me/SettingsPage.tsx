import { SubscriptionToggle } from "../reports/SubscriptionToggle";
import { LinkOutcome } from "../strava/LinkOutcome";
import { StravaCard } from "../strava/StravaCard";
import { Card } from "../ui/Card";
import { ErrorState, Loading } from "../ui/States";
import { DeleteAccount } from "./DeleteAccount";
import { ExportData } from "./ExportData";
import { ProfileForm } from "./ProfileForm";
import { useMe } from "./queries";
import { UnitsForm } from "./UnitsForm";

export default function SettingsPage() {
  const me = useMe();
  if (me.isPending) return <Loading />;
  if (me.isError || !me.data) return <ErrorState error={me.error} retry={() => me.refetch()} />;
  const { account, profile } = me.data;
  return (
    <div>
      <h1>Settings</h1>
      <p className="muted">Signed in as {account.email}</p>
      <LinkOutcome />
      <div className="two-columns">
        <Card title="Profile">
          <ProfileForm profile={profile} />
        </Card>
        <div className="stack">
          <Card title="Units">
            <UnitsForm units={profile.units} />
          </Card>
          <StravaCard manage />
          <Card title="Monthly report">
            <SubscriptionToggle />
          </Card>
          <Card title="Your data">
            <ExportData />
          </Card>
          <Card title="Delete account" className="danger-zone">
            <DeleteAccount />
          </Card>
        </div>
      </div>
    </div>
  );
}
