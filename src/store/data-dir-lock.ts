/**
 * PGlite keeps a whole PostgreSQL cluster in one directory and does not lock it: two processes
 * writing the same directory corrupt it. We take an exclusive lock file (O_EXCL create) holding our
 * pid, and refuse to start while a live process holds it. A lock left by a dead process (crash,
 * kill -9) is taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { DomainError } from "../domain/errors.ts";

export interface DataDirLock {
  path: string;
  release(): void;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function lockDataDir(dir: string): DataDirLock {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "v2v.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let released = false;
      return {
        path,
        release() {
          if (released) return;
          released = true;
          rmSync(path, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = Number.parseInt(readFileSync(path, "utf8").trim(), 10);
      // Our own pid means this process opened the directory already: that is a second writer too.
      if (Number.isFinite(holder) && (holder === process.pid || processAlive(holder))) {
        throw new DomainError(
          "database-locked",
          `The embedded database in ${dir} is in use by another vein2vein process (pid ${holder}). ` +
            "PGlite allows one writer only: stop that process first, or give this one its own DATA_DIR " +
            "(or a PostgreSQL DATABASE_URL).",
          [],
          { dataDir: dir, pid: holder },
        );
      }
      // Stale lock from a process that is gone: remove it and try once more.
      rmSync(path, { force: true });
    }
  }
  throw new DomainError("database-locked", `Could not lock ${dir}.`);
}
