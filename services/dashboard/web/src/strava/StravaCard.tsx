import { formatDateTime } from "../format/units";
import { usePreferences } from "../me/queries";
import { Card } from "../ui/Card";
import { ErrorState, Loading } from "../ui/States";
import { useStravaLink } from "./queries";

export function StravaCard() {
  const link = useStravaLink();
  const { timeZone } = usePreferences();
  return (
    <Card title="Strava">
      {link.isPending && <Loading />}
      {link.isError && <ErrorState error={link.error} retry={() => link.refetch()} />}
      {link.data === null && <p className="muted">Strava linking is coming: your runs will arrive on their own.</p>}
      {link.data && link.data.linked && (
        <p>
          Linked{link.data.athlete_name ? ` as ${link.data.athlete_name}` : ""}.
          {link.data.last_sync_at ? ` Last sync ${formatDateTime(link.data.last_sync_at, timeZone)}.` : ""}
        </p>
      )}
      {link.data && !link.data.linked && <p>Not linked yet.</p>}
    </Card>
  );
}
