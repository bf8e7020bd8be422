/**
 * Kysely table types for account protection (migration 0010): the per-username backoff of
 * password checks. `DB` extends this.
 */
import type { ColumnType } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface LoginThrottleTable {
  username: string;
  attempts: number;
  last_attempt_at: Timestamp;
  locked_until: Timestamp | null;
}

export interface AccountTables {
  login_throttle: LoginThrottleTable;
}
