/**
 * Configuration from the environment, read once at start-up. Defaults give the two-command
 * experience: embedded PGlite in ./.data, port 8080 on localhost, demo data on first start.
 */
import { isIP } from "node:net";
import { resolve } from "node:path";
import type { DatabaseConfig } from "./store/database.ts";

export interface Config {
  port: number;
  host: string;
  database: DatabaseConfig;
  logLevel: string;
  secureCookies: boolean;
  loadDemoOnFirstStart: boolean;
  /**
   * Addresses (or CIDR ranges) of the reverse proxies whose X-Forwarded-For names the client;
   * empty: none, so the client address is the socket's and X-Forwarded-For from clients is ignored.
   */
  trustProxy: string[];
  /** Login attempts per client address per minute (the per-account backoff comes on top). */
  loginRateLimit: number;
  /** PEM file of the Ed25519 key that signs audit checkpoints (decision 0021) */
  auditKeyFile: string;
  /** how often `serve` signs a checkpoint of the audit chain when it has grown */
  auditCheckpointMinutes: number;
  /**
   * Days the server's clock runs ahead of the machine's (V2V_CLOCK_OFFSET_DAYS), for browser tests
   * that walk a patient through the month after her infusion: the API stamps every step with its
   * own clock, so a month cannot pass otherwise. Refused outside tests (NODE_ENV=test): a clinical
   * record stamped with a false time is worse than none.
   */
  clockOffsetDays: number;
}

function clockOffsetDays(value: string | undefined, nodeEnv: string | undefined): number {
  if (value === undefined || value.trim() === "" || value.trim() === "0") return 0;
  if (nodeEnv !== "test")
    throw new Error(
      "V2V_CLOCK_OFFSET_DAYS moves the server's clock for browser tests only and is refused unless NODE_ENV=test: " +
        "every record and audit entry would carry a false time",
    );
  const n = Number(value);
  if (!Number.isInteger(n) || Math.abs(n) > 3650)
    throw new Error(
      `V2V_CLOCK_OFFSET_DAYS must be a whole number of days from -3650 to 3650, got "${value}"`,
    );
  return n;
}

function int(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error(`${name} must be a port number, got "${value}"`);
  return n;
}

/** TRUST_PROXY: comma-separated IP addresses or CIDR ranges, e.g. "127.0.0.1,10.0.0.0/8". */
function proxies(value: string | undefined): string[] {
  const entries = (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const e of entries) {
    const [address, bits, extra] = e.split("/");
    const family = isIP(address ?? "");
    const maxBits = family === 6 ? 128 : 32;
    const badBits = bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
    if (!family || badBits || extra !== undefined)
      throw new Error(
        `TRUST_PROXY must list the proxies' IP addresses or CIDR ranges (e.g. 127.0.0.1,10.0.0.0/8), got "${e}"`,
      );
  }
  return entries;
}

function perMinute(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000)
    throw new Error(`${name} must be a whole number of attempts per minute, got "${value}"`);
  return n;
}

function onOff(name: string, value: string | undefined, fallback: boolean): boolean {
  const v = value?.trim().toLowerCase();
  if (v === undefined || v === "") return fallback;
  if (v === "on" || v === "1" || v === "true") return true;
  if (v === "off" || v === "0" || v === "false") return false;
  throw new Error(`${name} must be on or off, got "${value}"`);
}

function minutes(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 24 * 60)
    throw new Error(`${name} must be a number of minutes between 0 and 1440, got "${value}"`);
  return n;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const url = env.DATABASE_URL?.trim();
  const dataDir = resolve(env.DATA_DIR?.trim() || ".data");
  return {
    port: int("PORT", env.PORT, 8080),
    host: env.HOST?.trim() || "127.0.0.1",
    database: url
      ? {
          kind: "postgres",
          url,
          ...(env.DATABASE_REPORTS_URL?.trim() ? { reportsUrl: env.DATABASE_REPORTS_URL.trim() } : {}),
          preparedStatements: onOff("DATABASE_PREPARED_STATEMENTS", env.DATABASE_PREPARED_STATEMENTS, true),
        }
      : { kind: "pglite", dataDir },
    logLevel: env.LOG_LEVEL?.trim() || "info",
    secureCookies: env.SECURE_COOKIES === "1" || env.SECURE_COOKIES === "true",
    loadDemoOnFirstStart: env.V2V_DEMO !== "0",
    trustProxy: proxies(env.TRUST_PROXY),
    loginRateLimit: perMinute("LOGIN_RATE_LIMIT", env.LOGIN_RATE_LIMIT, 30),
    // Beside PGlite's pgdata, never inside it; with PostgreSQL, on the application host.
    auditKeyFile: resolve(env.V2V_AUDIT_KEY_FILE?.trim() || `${dataDir}/audit-signing-key.pem`),
    auditCheckpointMinutes: minutes("V2V_AUDIT_CHECKPOINT_MINUTES", env.V2V_AUDIT_CHECKPOINT_MINUTES, 5),
    clockOffsetDays: clockOffsetDays(env.V2V_CLOCK_OFFSET_DAYS, env.NODE_ENV),
  };
}
