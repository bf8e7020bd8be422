/**
 * Kysely table types for follow-up: generated protocol visits and lab imports. `DB` extends this.
 */
export type VisitTables = Record<never, never>;
