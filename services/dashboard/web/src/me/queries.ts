import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, CSRF_COOKIE, readCookie, type Me, type Schemas } from "../api/client";
import { isAccountDeleted, isStatus, unwrap } from "../api/problem";
import type { Units } from "../format/units";

export const meKey = ["me"] as const;

/**
 * The signed-in runner, or null when nobody is (the API answers 401). A browser without the
 * CSRF cookie, which a session always comes with, has no session: it is not asked, so an
 * anonymous visit sends no request bound to fail. A deleted account's 401 is kept as the
 * error it is, for the app to say so.
 */
export function useMe() {
  return useQuery({
    queryKey: meKey,
    queryFn: async (): Promise<Me | null> => {
      if (!readCookie(CSRF_COOKIE)) return null;
      try {
        return await unwrap(api.GET("/api/me"));
      } catch (error) {
        if (isStatus(error, 401) && !isAccountDeleted(error)) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

/** The runner's units and time zone, with defaults while the profile loads. */
export function usePreferences(): { units: Units; timeZone: string } {
  const { data } = useMe();
  return {
    units: data?.profile.units ?? "km",
    timeZone: data?.profile.time_zone ?? "UTC",
  };
}

export function useUpdateProfile() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["ProfileUpdate"]) => unwrap(api.PATCH("/api/me", { body })),
    onSuccess: (me) => {
      client.setQueryData(meKey, me);
      // Stats are cut in the runner's time zone; runs are shown in their units.
      void client.invalidateQueries({ queryKey: ["stats"] });
    },
  });
}

/** Delete the account; `onDeleted` leaves the runner's pages before their data is dropped. */
export function useDeleteAccount(onDeleted: () => void) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/me")),
    onSuccess: () => {
      onDeleted();
      client.clear();
      client.setQueryData(meKey, null);
    },
  });
}
