import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { unwrap } from "../api/problem";
import type { PlanCreate } from "../api/types";
import type { Units } from "../format/units";

export type { Plan, PlanCreate, PlanSummary, PlanWeek, PlanWorkout } from "../api/types";
type GoalMode = NonNullable<PlanCreate["goal_mode"]>;

/** The runner's plans, newest first. */
export function usePlans() {
  return useQuery({
    queryKey: ["plans"],
    queryFn: () => unwrap(api.GET("/api/plans", { params: { query: { limit: 100 } } })),
  });
}

/** A plan, its texts (workouts' descriptions, warnings) written in the runner's units. */
export function usePlan(planId: number, units: Units) {
  return useQuery({
    queryKey: ["plans", planId, units],
    queryFn: () => unwrap(api.GET("/api/plans/{plan_id}", { params: { path: { plan_id: planId }, query: { units } } })),
  });
}

// A new or rebuilt plan is answered in the units of the runner's profile: `units`.
export function useCreatePlan(units: Units) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: PlanCreate) => unwrap(api.POST("/api/plans", { body })),
    onSuccess: (plan) => {
      client.setQueryData(["plans", plan.id, units], plan);
      return client.invalidateQueries({ queryKey: ["plans"], exact: true });
    },
  });
}

export function useRegeneratePlan(planId: number, units: Units) {
  const client = useQueryClient();
  return useMutation({
    // A goal mode names the runner's choice for their goal time; none keeps the plan's own.
    mutationFn: (goalMode?: GoalMode) =>
      unwrap(
        api.POST("/api/plans/{plan_id}/regenerate", {
          params: { path: { plan_id: planId } },
          body: goalMode ? { goal_mode: goalMode } : undefined,
        }),
      ),
    onSuccess: (plan) => {
      client.setQueryData(["plans", planId, units], plan);
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
export function calendarUrl(planId: number, units: Units): string {
  return `/api/plans/${planId}.ics?units=${units}`;
}
