import { api, type RaceRead, type RunSummary, type Schemas } from "../api/client";
import { unwrap } from "../api/problem";
import { fetchRacesPage } from "../races/queries";
import { fetchRunsPage } from "../runs/queries";

/** Everything Runnerly holds for the runner, gathered page by page. */
export async function gatherExport() {
  const me = await unwrap(api.GET("/api/me"));
  const runs: RunSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchRunsPage({}, cursor, 100);
    runs.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  const races: RaceRead[] = [];
  cursor = undefined;
  do {
    const page = await fetchRacesPage(cursor);
    races.push(...page.items.filter((race) => race.entered));
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  const plans: Schemas["PlanRead"][] = [];
  cursor = undefined;
  do {
    const page: Schemas["PlanList"] = await unwrap(api.GET("/api/plans", { params: { query: { limit: 100, cursor } } }));
    for (const plan of page.items) {
      plans.push(await unwrap(api.GET("/api/plans/{plan_id}", { params: { path: { plan_id: plan.id } } })));
    }
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  const reports: Schemas["ReportRead"][] = [];
  const listed = await unwrap(api.GET("/api/reports", { params: { query: { limit: 240 } } }));
  for (const report of listed.items) {
    reports.push(await unwrap(api.GET("/api/reports/{month}", { params: { path: { month: report.month } } })));
  }
  const records = await unwrap(api.GET("/api/records"));
  const strava = await unwrap(api.GET("/api/strava"));
  return {
    exported_at: new Date().toISOString(),
    account: me.account,
    profile: me.profile,
    runs,
    personal_records: records.items,
    races_entered: races,
    plans,
    reports,
    strava,
  };
}

export function download(filename: string, data: unknown): void {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
