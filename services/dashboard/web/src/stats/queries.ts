import { useQuery } from "@tanstack/react-query";
import { api, type StatsBucket } from "../api/client";
import { unwrap } from "../api/problem";

export type Period = "week" | "month" | "year";

/** Totals per week, month or year, oldest first; the last bucket is the current one. */
export function useStats(period: Period) {
  return useQuery({
    queryKey: ["stats", period],
    queryFn: async () => {
      const stats = await unwrap(api.GET("/api/stats", { params: { query: { period } } }));
      return { ...stats, buckets: stats.buckets as unknown as StatsBucket[] };
    },
  });
}
