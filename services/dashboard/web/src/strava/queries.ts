import { useQuery } from "@tanstack/react-query";
import { toApiError } from "../api/problem";

/** The Strava link as the API reports it (its fields may grow; `linked` is what matters). */
export interface StravaLink {
  linked: boolean;
  athlete_name?: string | null;
  last_sync_at?: string | null;
  [key: string]: unknown;
}

/**
 * The runner's Strava link, or null while the API has no `/api/strava` yet (404).
 * Not in the generated client: the endpoint comes with the ingest service.
 */
export function useStravaLink() {
  return useQuery({
    queryKey: ["strava"],
    queryFn: async (): Promise<StravaLink | null> => {
      const response = await fetch("/api/strava", { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.status === 404) return null;
      const body: unknown = await response.json().catch(() => null);
      if (!response.ok) throw toApiError(body, response);
      return body as StravaLink;
    },
    retry: false,
  });
}
