import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import { isStatus, unwrap } from "../api/problem";

/** The local mailbox, or null when the dashboard does not serve it (404 outside development). */
export function useDevMail(enabled = true) {
  return useQuery({
    queryKey: ["dev-mail"],
    queryFn: async () => {
      try {
        return await unwrap(api.GET("/api/dev/mail", { params: { query: { limit: 50 } } }));
      } catch (error) {
        if (isStatus(error, 404)) return null;
        throw error;
      }
    },
    enabled,
    retry: false,
  });
}
