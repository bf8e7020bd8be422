/**
 * Columns of the follow-up tables for the schema-drift test; each entry is type-checked against
 * its Kysely interface with `all<DB["table"]>({ … })`.
 */
export const VISIT_COLUMNS: Record<string, string[]> = {};
