/**
 * Columns of the vein-to-vein tables for the schema-drift test; each entry is type-checked
 * against its Kysely interface with `all<DB["table"]>({ … })`.
 */
export const JOURNEY_COLUMNS: Record<string, string[]> = {};
