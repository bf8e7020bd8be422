/**
 * The web app's scripts and style sheets go to a browser compressed at build time (cli/web-build.ts
 * writes .br and .gz beside them; http/landing.ts serves them with @fastify/static's
 * preCompressed): Brotli when the browser takes it, else gzip, else the file as built.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { precompressAssets } from "../../src/cli/web-build.ts";
import { buildApp } from "../../src/http/app.ts";
import type { Database } from "../../src/store/database.ts";
import { testDatabase } from "../support/database.ts";

const SCRIPT = `export const visits = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => `D${i} 随访`))};\n`;
let dist: string;
let database: Database;
let app: FastifyInstance;

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), "v2v-dist-"));
  mkdirSync(join(dist, "assets"));
  writeFileSync(join(dist, "index.html"), "<!doctype html><title>vein2vein</title>");
  writeFileSync(join(dist, "assets", "index-abc123.js"), SCRIPT);
  writeFileSync(join(dist, "assets", "tiny-abc123.css"), "body{margin:0}");
  writeFileSync(join(dist, "assets", "logo-abc123.png"), Buffer.alloc(4096, 7));
  await precompressAssets(join(dist, "assets"));
  database = await testDatabase();
  app = await buildApp({ database, webDist: dist });
});
afterAll(async () => {
  await app?.close();
  await database?.close();
  rmSync(dist, { recursive: true, force: true });
});

const asset = (name: string, encoding?: string) =>
  app.inject({ url: `/assets/${name}`, headers: encoding ? { "accept-encoding": encoding } : {} });

describe("the built app's assets", () => {
  it("are written compressed beside a script, not beside small or binary files", () => {
    expect(readdirSync(join(dist, "assets")).sort()).toEqual([
      "index-abc123.js",
      "index-abc123.js.br",
      "index-abc123.js.gz",
      "logo-abc123.png",
      "tiny-abc123.css",
    ]);
  });

  it("go in Brotli to a browser that takes it", async () => {
    const res = await asset("index-abc123.js", "gzip, deflate, br, zstd");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-encoding"]).toBe("br");
    expect(String(res.headers.vary)).toMatch(/accept-encoding/i);
    expect(String(res.headers["content-type"])).toMatch(/javascript/);
    expect(String(res.headers["cache-control"])).toContain("immutable");
    expect(brotliDecompressSync(res.rawPayload).toString("utf8")).toBe(SCRIPT);
    expect(res.rawPayload.length).toBeLessThan(Buffer.byteLength(SCRIPT) / 4);
  });

  it("go in gzip to a client that takes only gzip", async () => {
    const res = await asset("index-abc123.js", "gzip");
    expect(res.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(res.rawPayload).toString("utf8")).toBe(SCRIPT);
  });

  it("go as built to a client that asks for neither", async () => {
    const res = await asset("index-abc123.js");
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(String(res.headers.vary)).toMatch(/accept-encoding/i);
    expect(res.body).toBe(SCRIPT);
  });
});
