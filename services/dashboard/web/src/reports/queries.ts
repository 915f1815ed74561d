import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, type Schemas } from "../api/client";
import { unwrap } from "../api/problem";

/** A schema's named fields, without the catch-all of a schema that lets extra fields through. */
type Named<T> = { [K in keyof T as string extends K ? never : K]: T[K] };

export type ReportSummary = Named<Schemas["ReportSummary"]>;
export type Report = Named<Schemas["ReportRead"]>;

const subscriptionKey = ["report-subscription"] as const;

/** The runner's monthly reports, newest first. */
export function useReports() {
  return useQuery({
    queryKey: ["reports"],
    queryFn: () => unwrap(api.GET("/api/reports", { params: { query: { limit: 24 } } })),
  });
}

export function useReport(month: string, enabled = true) {
  return useQuery({
    queryKey: ["reports", month],
    enabled,
    queryFn: () => unwrap(api.GET("/api/reports/{month}", { params: { path: { month } } })),
  });
}

/** Mail a past month's report (the reports service builds it first when it does not exist). */
export function useSendReport() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (month: string) => unwrap(api.POST("/api/reports/{month}/send", { params: { path: { month } } })),
    onSuccess: (report) => {
      client.setQueryData(["reports", report.month], report);
      return client.invalidateQueries({ queryKey: ["reports"], exact: true });
    },
  });
}

export function useSubscription() {
  return useQuery({
    queryKey: subscriptionKey,
    queryFn: () => unwrap(api.GET("/api/reports/subscription")),
  });
}

export function useSetSubscription() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (subscribed: boolean) => unwrap(api.PUT("/api/reports/subscription", { body: { subscribed } })),
    onSuccess: (subscription) => client.setQueryData(subscriptionKey, subscription),
  });
}

/** Where the browser downloads a month's PDF (same origin: the session cookie rides along). */
export function pdfUrl(month: string): string {
  return `/api/reports/${month}.pdf`;
}
