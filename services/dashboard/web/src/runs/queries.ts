import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { unwrap } from "../api/problem";

export type RunSort = "date" | "distance" | "pace";
export type RunOrder = "desc" | "asc";

export interface RunFilters {
  after?: string;
  before?: string;
  sort?: RunSort;
  order?: RunOrder;
  /** The runner's own year and month (the server reads them in the runner's time zone). */
  year?: number;
  month?: number;
  /** Text the run's name holds. */
  q?: string;
}

export const PAGE_SIZE = 20;

export async function fetchRunsPage(filters: RunFilters, cursor?: string, limit = PAGE_SIZE) {
  return unwrap(
    api.GET("/api/runs", {
      params: { query: { limit, cursor, ...filters } },
    }),
  );
}

/** The runner's runs in the order asked for, a page at a time ("load more" follows the cursor). */
export function useRuns(filters: RunFilters, limit = PAGE_SIZE) {
  return useInfiniteQuery({
    queryKey: ["runs", "list", filters, limit],
    queryFn: ({ pageParam }) => fetchRunsPage(filters, pageParam, limit),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

/** How often a run whose streams are being fetched from Strava is read again (ms). */
export const STREAMS_PENDING_REFETCH_MS = 3000;

export function useRun(id: number) {
  return useQuery({
    queryKey: ["runs", "detail", id],
    queryFn: () => unwrap(api.GET("/api/runs/{run_id}", { params: { path: { run_id: id } } })),
    refetchInterval: (query) => (query.state.data?.streams_pending ? STREAMS_PENDING_REFETCH_MS : false),
  });
}

export function useDeleteRun() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => unwrap(api.DELETE("/api/runs/{run_id}", { params: { path: { run_id: id } } })),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ["runs"] });
      void client.invalidateQueries({ queryKey: ["stats"] });
    },
  });
}
