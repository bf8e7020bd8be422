/**
 * Cached PGlite data directories: a tar made by `dumpDataDir` once, kept on disk under a key
 * that names everything it was built from, and opened again with `loadDataDir` (about 2 s)
 * instead of running initdb, migrations and, for the demo, the whole load (15 s and more).
 * A key that changes (a new migration, an edited source) simply builds a new file; nothing is
 * ever reused under a key it was not built from.
 */
import { createHash } from "node:crypto";
import {
  existsSync,
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
import { extract } from "tar";
import { type DatabaseConfig, openDatabase, pgliteDataPath } from "./database.ts";
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
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.from(await tar.arrayBuffer()));
  writeFileSync(`${metaPath}.${process.pid}.tmp`, JSON.stringify(meta ?? null));
  renameSync(tmp, path);
  renameSync(`${metaPath}.${process.pid}.tmp`, metaPath);
  return { path, meta: meta ?? null };
}

/**
 * Unpacks a snapshot as the PGlite data directory of `dataDir` (for a new installation on disk):
 * a native tar extraction takes a fraction of a second where PGlite's `loadDataDir` writes the
 * same 42 MB through its emulated file system in about 2.5 s. Unpacked beside and renamed into
 * place, so a crash never leaves half a database; if another process got there first, ours is
 * dropped and that one's lock decides who serves.
 */
export async function unpackSnapshot(path: string, dataDir: string): Promise<void> {
  const target = pgliteDataPath(dataDir);
  const partial = `${target}.${process.pid}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  try {
    await extract({ file: path, cwd: partial });
    renameSync(partial, target);
  } catch (e) {
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(target)) throw e;
  }
}

/** A PGlite configuration on disk whose data directory does not exist yet: a new installation. */
export const isNewPgliteInstallation = (
  d: DatabaseConfig,
): d is Extract<DatabaseConfig, { kind: "pglite" }> & { dataDir: string } =>
  d.kind === "pglite" && d.dataDir !== null && !existsSync(pgliteDataPath(d.dataDir));

/** The tar as the Blob `loadDataDir` takes. */
export const readSnapshot = (path: string) => new Blob([readFileSync(path)]);

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
