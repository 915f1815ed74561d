import { api, type RaceRead, type RunSummary } from "../api/client";
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
  return { exported_at: new Date().toISOString(), account: me.account, profile: me.profile, runs, races_entered: races };
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
