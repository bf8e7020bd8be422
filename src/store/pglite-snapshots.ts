/**
 * Cached PGlite data directories: a tar made by `dumpDataDir` once, kept on disk under a key
 * that names everything it was built from, and opened again (about 1.5 s in memory, 1 s unpacked
 * on disk)
 * instead of running initdb, migrations and, for the demo, the whole load (15 s and more).
 * A key that changes (a new migration, an edited source) simply builds a new file; nothing is
 * ever reused under a key it was not built from.
 */
import { spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { type Database, type DatabaseConfig, openDatabase, pgliteDataPath } from "./database.ts";
import { migrate } from "./migrator.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** `node_modules/.cache/vein2vein` unless V2V_CACHE_DIR names another directory. */
export const snapshotCacheDir = () =>
  process.env.V2V_CACHE_DIR ?? join(ROOT, "node_modules/.cache/vein2vein");

/**
 * sha-256 over the paths and contents of `paths` (files, or directories walked whole; relative
 * to the project), always with PGlite's own version: a data directory belongs to the PGlite that
 * wrote it.
 */
export function sourcesFingerprint(paths: string[]): string {
  const hash = createHash("sha256");
  const add = (path: string) => {
    if (statSync(path).isDirectory()) for (const name of readdirSync(path).sort()) add(join(path, name));
    else hash.update(relative(ROOT, path)).update("\0").update(readFileSync(path)).update("\0");
  };
  for (const p of ["node_modules/@electric-sql/pglite/package.json", ...paths]) add(join(ROOT, p));
  return hash.digest("hex").slice(0, 16);
}

export interface CachedSnapshot {
  /** the tar file */
  path: string;
  /** JSON written next to it at build time (e.g. the demo summary), if any */
  meta: unknown;
}

/**
 * Returns the snapshot `name`-`key`, building it with `build` if it is not on disk yet. Written
 * to a temporary name and renamed, so a concurrent reader never sees half a file; older keys of
 * the same name are removed.
 */
export async function cachedSnapshot(
  name: string,
  key: string,
  build: () => Promise<{ tar: Blob; meta?: unknown }>,
): Promise<CachedSnapshot> {
  const dir = snapshotCacheDir();
  const path = join(dir, `${name}-${key}.tar`);
  const metaPath = `${path}.json`;
  if (existsSync(path) && existsSync(metaPath))
    return { path, meta: JSON.parse(readFileSync(metaPath, "utf8")) };
  const { tar, meta } = await build();
  mkdirSync(dir, { recursive: true });
  for (const old of readdirSync(dir))
    if (old.startsWith(`${name}-`) && !old.startsWith(`${name}-${key}`))
      rmSync(join(dir, old), { force: true });
  // Unique per build, not per process: one process may build a key twice at once too.
  const builder = `${process.pid}-${randomUUID()}`;
  const tmp = `${path}.${builder}.tmp`;
  const metaTmp = `${metaPath}.${builder}.tmp`;
  writeFileSync(tmp, Buffer.from(await tar.arrayBuffer()));
  writeFileSync(metaTmp, JSON.stringify(meta ?? null));
  // Two processes (test workers) may build one key at once, each with its own ids: the demo's
  // UUIDs differ from load to load. Whoever links the meta first publishes its tar too; a later
  // one keeps its own pair under its own name, so the meta returned always describes the tar
  // returned (two renames each let one process's tar end beside the other's summary).
  try {
    linkSync(metaTmp, metaPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const own = `${path}.${builder}`;
    renameSync(tmp, own);
    rmSync(metaTmp, { force: true });
    return { path: own, meta: meta ?? null };
  }
  rmSync(metaTmp, { force: true });
  renameSync(tmp, path);
  return { path, meta: meta ?? null };
}

/**
 * On a new embedded installation (a PGlite configuration on disk whose data directory does not
 * exist yet), unpacks `snapshot()` as that data directory; resolves to whether it did. A native tar
 * extraction takes a fraction of a second where PGlite's `loadDataDir` writes the same 42 MB
 * through its emulated file system in about 2.5 s. Unpacked beside and renamed into place, so a
 * crash never leaves half a database; if another process got there first, ours is dropped and
 * that one's lock decides who serves.
 */
export async function startFromSnapshot(
  config: DatabaseConfig,
  snapshot: () => Promise<{ path: string }>,
): Promise<boolean> {
  if (config.kind !== "pglite" || config.dataDir === null) return false;
  const target = pgliteDataPath(config.dataDir);
  if (existsSync(target)) return false;
  const { path } = await snapshot();
  const partial = `${target}.${process.pid}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  try {
    await unpackTar(path, partial);
    renameSync(partial, target);
  } catch (e) {
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(target)) throw e;
  }
  return true;
}

/**
 * Unpacks an uncompressed tar into `dir`: with the system's `tar` where there is one, a separate
 * process that writes the demo's 70 MB in about 0.1 s while this one goes on loading the app's
 * modules (node-tar takes 0.35–0.8 s of this process's own thread for the same file, decision
 * 0047); node-tar where there is none. Both drop the leading "/" PGlite writes in member names.
 */
async function unpackTar(file: string, dir: string): Promise<void> {
  const systemTar = await new Promise<boolean>((resolve, reject) => {
    const child = spawn("tar", ["-xf", file, "-C", dir], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => {
      stderr += b.toString();
    });
    child.once("error", (e: NodeJS.ErrnoException) => (e.code === "ENOENT" ? resolve(false) : reject(e)));
    child.once("close", (code) =>
      code === 0 ? resolve(true) : reject(new Error(`tar -xf ${file} failed (${code}): ${stderr.trim()}`)),
    );
  });
  if (!systemTar) await (await import("tar")).extract({ file, cwd: dir });
}

const snapshotFiles = new Map<string, Blob>();

/**
 * An in-memory PGlite opened from a snapshot file (tests, and the demo built on the migrated
 * one); `migrate` applies nothing there but checks it matches the migrations.
 */
export async function openSnapshot(path: string): Promise<Database> {
  // Read once per process: a test worker opens the same 42 MB for every file it runs, and a path
  // names its contents (the key is in the file name), so it cannot go stale.
  let tar = snapshotFiles.get(path);
  if (!tar) {
    tar = new Blob([readFileSync(path)]);
    snapshotFiles.set(path, tar);
  }
  const database = await openDatabase({ kind: "pglite", dataDir: null, loadDataDir: tar });
  try {
    await migrate(database);
  } catch (e) {
    await database.close();
    throw e;
  }
  return database;
}

/** A PGlite with every migration applied and nothing else: new installations and test files. */
export const migratedSnapshot = () =>
  cachedSnapshot("migrated", sourcesFingerprint(["src/store/migrations"]), async () => {
    const database = await openDatabase({ kind: "pglite", dataDir: null });
    try {
      await migrate(database);
      return { tar: await database.dumpDataDir!() };
    } finally {
      await database.close();
    }
  });
