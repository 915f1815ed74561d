import { useQuery } from "@tanstack/react-query";

export const IMPORT_PATH = "/api/runs/import";

/** Whether the API offers file import: its published contract lists the path. */
export function useImportAvailable() {
  return useQuery({
    queryKey: ["contract-has", IMPORT_PATH],
    queryFn: async () => {
      const response = await fetch("/api/openapi.json", { credentials: "same-origin" });
      if (!response.ok) return false;
      const contract = (await response.json()) as { paths?: Record<string, unknown> };
      return Boolean(contract.paths && IMPORT_PATH in contract.paths);
    },
    staleTime: Infinity,
    retry: false,
  });
}
