import type { components } from "./schema.gen";

/**
 * The dashboard's shapes under the names the app uses, all from schema.gen.ts (generated from
 * contracts/dashboard.json, itself from the peers' contracts): none is declared by hand.
 */
export type Schemas = components["schemas"];

export type Me = Schemas["Me"];
export type Profile = Schemas["ProfileRead"];

export type RunSummary = Schemas["RunSummary"];
export type RunRead = Schemas["RunRead"];
export type Split = Schemas["RunSplit"];
export type Streams = Schemas["RunStreams"];

export type StatsBucket = Schemas["StatsBucket"];
export type BestEffort = Schemas["StatsBestEffortRead"];

export type RaceRead = Schemas["RaceRead"];

export type Plan = Schemas["PlanRead"];
export type PlanSummary = Schemas["PlanSummary"];
export type PlanWeek = Schemas["PlanWeekRead"];
export type PlanWorkout = Schemas["PlanWorkoutRead"];
export type PlanCreate = Schemas["PlanCreate"];

export type ImportJob = Schemas["ImportJobRead"];
export type FileOutcome = Schemas["FileOutcome"];
