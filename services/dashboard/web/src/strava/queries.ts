import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, type Schemas } from "../api/client";
import { unwrap } from "../api/problem";

export type StravaStatus = Schemas["StravaStatus"];
export type StravaBackfill = Schemas["StravaBackfillRead"];

export const stravaKey = ["strava"] as const;
// While the history comes in, the runner watches it arrive: ask often, then stop asking.
const SYNCING_POLL_MS = 2_000;
const PAUSED_POLL_MS = 15_000;

/** Whether the first import of the runner's Strava history is still under way. */
export function isSyncing(status: StravaStatus | undefined): boolean {
  if (!status?.linked) return false;
  const state = status.backfill?.state ?? "pending";
  return state === "pending" || state === "running";
}

export function stravaPollInterval(status: StravaStatus | undefined): number | false {
  if (isSyncing(status)) return SYNCING_POLL_MS;
  // Paused by the rate limit or by a refusal: ask now and then, to see it resume.
  if (status?.linked && (status.backfill?.state === "paused" || status.sync_paused)) return PAUSED_POLL_MS;
  return false;
}

/** The runner's Strava link and the progress of its sync, polled while it moves. */
export function useStravaStatus() {
  return useQuery({
    queryKey: stravaKey,
    queryFn: () => unwrap(api.GET("/api/strava")),
    refetchInterval: (query) => stravaPollInterval(query.state.data),
  });
}

/** Ask where to approve Runnerly at Strava (or the simulator, in demo mode). */
export function useConnectStrava() {
  return useMutation({
    mutationFn: () => unwrap(api.GET("/api/strava/connect")),
  });
}

/** Unlink Strava: the runs that came from it go too. */
export function useUnlinkStrava() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/strava")),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: stravaKey });
      void client.invalidateQueries({ queryKey: ["runs"] });
      void client.invalidateQueries({ queryKey: ["stats"] });
    },
  });
}
