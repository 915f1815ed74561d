import { Link } from "react-router";
import type { Units } from "../format/units";
import { useRuns } from "../runs/queries";
import { RunsList } from "../runs/RunsList";
import { Card } from "../ui/Card";

const NO_FILTERS = {};

export function RecentRuns({ units, timeZone }: { units: Units; timeZone: string }) {
  const runs = useRuns(NO_FILTERS, 5);
  return (
    <Card title="Recent runs" actions={<Link to="/runs">All runs</Link>} className="wide">
      <RunsList query={runs} units={units} timeZone={timeZone} filtered={false} paged={false} />
    </Card>
  );
}
