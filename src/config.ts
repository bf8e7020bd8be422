/**
 * Configuration from the environment, read once at start-up. Defaults give the two-command
 * experience: embedded PGlite in ./.data, port 8080 on localhost, demo data on first start.
 */
import { resolve } from "node:path";
import type { DatabaseConfig } from "./store/database.ts";

export interface Config {
  port: number;
  host: string;
  database: DatabaseConfig;
  logLevel: string;
  secureCookies: boolean;
  loadDemoOnFirstStart: boolean;
}

function int(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error(`${name} must be a port number, got "${value}"`);
  return n;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const url = env.DATABASE_URL?.trim();
  return {
    port: int("PORT", env.PORT, 8080),
    host: env.HOST?.trim() || "127.0.0.1",
    database: url
      ? { kind: "postgres", url }
      : { kind: "pglite", dataDir: resolve(env.DATA_DIR?.trim() || ".data") },
    logLevel: env.LOG_LEVEL?.trim() || "info",
    secureCookies: env.SECURE_COOKIES === "1" || env.SECURE_COOKIES === "true",
    loadDemoOnFirstStart: env.V2V_DEMO !== "0",
  };
}
