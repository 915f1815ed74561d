import { Link } from "react-router";
import type { Units } from "../format/units";
import { useRuns } from "../runs/queries";
import { RunsList } from "../runs/RunsList";
import { Card } from "../ui/Card";
import { useTranslation } from "react-i18next";

const NO_FILTERS = {};

export function RecentRuns({ units, timeZone }: { units: Units; timeZone: string }) {
  const runs = useRuns(NO_FILTERS, 5);
  const { t } = useTranslation();
  return (
    <Card title={t("home.recentRuns.title")} actions={<Link to="/runs">{t("home.recentRuns.all")}</Link>} className="wide">
      <RunsList query={runs} units={units} timeZone={timeZone} filtered={false} paged={false} />
    </Card>
  );
}
