import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { api, type Schemas } from "../api/client";
import { unwrap } from "../api/problem";

export async function fetchRacesPage(cursor?: string) {
  return unwrap(api.GET("/api/races", { params: { query: { limit: 50, cursor } } }));
}

/** Upcoming races from every runner, soonest first. */
export function useRaces() {
  return useInfiniteQuery({
    queryKey: ["races"],
    queryFn: ({ pageParam }) => fetchRacesPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useCreateRace() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["RaceCreate"]) => unwrap(api.POST("/api/races", { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["races"] }),
  });
}

export function useEntry() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, enter }: { id: number; enter: boolean }) => {
      const options = { params: { path: { race_id: id } } };
      return unwrap(enter ? api.PUT("/api/races/{race_id}/entry", options) : api.DELETE("/api/races/{race_id}/entry", options));
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ["races"] }),
  });
}

export function useDeleteRace() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => unwrap(api.DELETE("/api/races/{race_id}", { params: { path: { race_id: id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["races"] }),
  });
}
