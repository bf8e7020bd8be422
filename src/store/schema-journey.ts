/**
 * Kysely table types for the vein-to-vein tables (journeys, products, custody, bedside checks).
 * Kept apart from schema.ts so the workflow's tables have one home; `DB` extends this.
 */
export type JourneyTables = Record<never, never>;
