/**
 * Columns of the account-protection tables (migration 0010) for the schema-drift test; each entry
 * is type-checked against its Kysely interface with `all<DB["table"]>({ … })`.
 */
import type { DB } from "../../src/store/schema.ts";
import { all } from "./columns.ts";

export const ACCOUNT_COLUMNS: Record<string, string[]> = {
  login_throttle: all<DB["login_throttle"]>({
    username: true,
    attempts: true,
    last_attempt_at: true,
    locked_until: true,
  }),
};
