import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { unwrap } from "../api/problem";
import type { PlanCreate } from "../api/types";

export type { Plan, PlanCreate, PlanSummary, PlanWeek, PlanWorkout } from "../api/types";

/** The runner's plans, newest first. */
export function usePlans() {
  return useQuery({
    queryKey: ["plans"],
    queryFn: () => unwrap(api.GET("/api/plans", { params: { query: { limit: 100 } } })),
  });
}

export function usePlan(planId: number) {
  return useQuery({
    queryKey: ["plans", planId],
    queryFn: () => unwrap(api.GET("/api/plans/{plan_id}", { params: { path: { plan_id: planId } } })),
  });
}

export function useCreatePlan() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: PlanCreate) => unwrap(api.POST("/api/plans", { body })),
    onSuccess: (plan) => {
      client.setQueryData(["plans", plan.id], plan);
      return client.invalidateQueries({ queryKey: ["plans"], exact: true });
    },
  });
}

export function useRegeneratePlan(planId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () =>
      unwrap(api.POST("/api/plans/{plan_id}/regenerate", { params: { path: { plan_id: planId } } })),
    onSuccess: (plan) => {
      client.setQueryData(["plans", planId], plan);
      return client.invalidateQueries({ queryKey: ["plans"], exact: true });
    },
  });
}

export function useDeletePlan(planId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/plans/{plan_id}", { params: { path: { plan_id: planId } } })),
    onSuccess: () => {
      client.removeQueries({ queryKey: ["plans", planId] });
      return client.invalidateQueries({ queryKey: ["plans"], exact: true });
    },
  });
}

/** Where the browser downloads the plan as an iCalendar file (same origin, the session cookie rides along). */
export function calendarUrl(planId: number): string {
  return `/api/plans/${planId}.ics`;
}
