/** The API's journey answers, as aliases onto the generated schema (like api/types.ts, kept here so that file stays untouched). */
import type { components } from "../../api/schema.d.ts";

type Schemas = components["schemas"];
export type Journey = Schemas["Journey"];
export type JourneyHistory = Schemas["JourneyHistory"];
export type ManufacturingSlot = Schemas["ManufacturingSlot"];
export type LymphodepletionPlan = Schemas["LymphodepletionPlan"];
