import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import { unwrap } from "../api/problem";

export type Period = "week" | "month" | "year";
export type { BestEffort } from "../api/types";

/** Totals per week, month or year, oldest first; the last bucket is the current one. */
export function useStats(period: Period) {
  return useQuery({
    queryKey: ["stats", period],
    queryFn: () => unwrap(api.GET("/api/stats", { params: { query: { period } } })),
  });
}

/**
 * The runner's all-time best efforts, shortest distance first. Keyed under "stats" so that
 * whatever refreshes the totals (a run deleted, imported or synced) refreshes these too.
 */
export function useRecords() {
  return useQuery({
    queryKey: ["stats", "records"],
    queryFn: async () => (await unwrap(api.GET("/api/records"))).items,
  });
}
