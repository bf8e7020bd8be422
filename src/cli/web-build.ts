/**
 * Builds the web app (web/) with Vite when web/dist is missing or older than its sources, so that
 * `npm start` on a fresh clone needs no second command (docs/decisions/0017-web-app-stack.md).
 * Several processes may start at once (two e2e test files, or a restart during a build): a lock
 * directory makes them take turns, and each build is written aside and then renamed into place so
 * that nobody ever serves a half-written dist.
 */
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
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";

export const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../web");
export const WEB_DIST = join(WEB_DIR, "dist");
const LOCK = join(WEB_DIR, ".build-lock");
/** A lock older than this is left over from a killed build, even if its pid was reused. */
const STALE_LOCK_MS = 10 * 60_000;

/** A build killed before its `finally` (SIGKILL, a test's timeout) leaves the lock: its pid is gone. */
function lockIsStale(): boolean {
  try {
    if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) return true;
    const pid = Number(readFileSync(join(LOCK, "pid"), "utf8"));
    if (!Number.isInteger(pid) || pid <= 0) return false; // being written just now
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** What the built app depends on: its sources and the installed library versions. */
function sourcesMtime(): number {
  return Math.max(
    newestMtime(join(WEB_DIR, "src")),
    newestMtime(join(WEB_DIR, "index.html")),
    newestMtime(join(WEB_DIR, "tsconfig.json")),
    // The web's site-time helpers use the server's zone rules (web/src/ui/site-time.ts).
    newestMtime(resolve(WEB_DIR, "../src/domain/study-day.ts")),
    newestMtime(resolve(WEB_DIR, "../src/domain/calendar.ts")),
    newestMtime(resolve(WEB_DIR, "../package-lock.json")),
    newestMtime(fileURLToPath(import.meta.url)),
  );
}

export function webBuildIsFresh(): boolean {
  const index = join(WEB_DIST, "index.html");
  return existsSync(index) && statSync(index).mtimeMs >= sourcesMtime();
}

async function takeLock(): Promise<void> {
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, "pid"), String(process.pid));
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      if (lockIsStale()) rmSync(LOCK, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Vite's settings, in one place for the build and for anyone starting a dev server. */
export async function viteConfig(outDir: string) {
  const { default: react } = await import("@vitejs/plugin-react");
  return {
    root: WEB_DIR,
    configFile: false as const,
    // The served app is always the production build, whatever NODE_ENV the server runs under.
    mode: "production",
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
    logLevel: "warn" as const,
    plugins: [react()],
    // No source maps in what is served: they would publish the unminified source (issue 10).
    build: { outDir, emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 2000 },
  };
}

/** Text assets worth compressing; images and fonts in these builds are compressed already. */
const COMPRESSIBLE = /\.(js|css|svg|json|txt|html)$/;

/**
 * Writes `name.br` and `name.gz` beside each text asset, for @fastify/static's `preCompressed` to
 * send to a browser that accepts them (http/landing.ts): the app's script is 1.7 MB as built and
 * ~0.42 MB in Brotli at its highest quality, which costs ~2 s once here rather than on a request.
 */
export async function precompressAssets(dir: string): Promise<void> {
  const brotli = promisify(brotliCompress);
  const gzipped = promisify(gzip);
  await Promise.all(
    readdirSync(dir)
      .filter((name) => COMPRESSIBLE.test(name))
      .map(async (name) => {
        const bytes = readFileSync(join(dir, name));
        if (bytes.length < 1024) return;
        const [br, gz] = await Promise.all([
          brotli(bytes, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
              [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
              [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
            },
          }),
          gzipped(bytes, { level: constants.Z_BEST_COMPRESSION }),
        ]);
        writeFileSync(join(dir, `${name}.br`), br);
        writeFileSync(join(dir, `${name}.gz`), gz);
      }),
  );
}

/** Builds when needed; resolves to true when it built. */
export async function ensureWebBuild(log: (message: string) => void = console.log): Promise<boolean> {
  if (webBuildIsFresh()) return false;
  await takeLock();
  try {
    if (webBuildIsFresh()) return false; // another process built it while we waited
    log("building the web app (web/ → web/dist) …");
    const started = Date.now();
    const aside = join(WEB_DIR, `.dist-${process.pid}`);
    const { build } = await import("vite");
    // Vite and the React plugin read NODE_ENV itself (a server started under vitest inherits "test",
    // which makes the JSX transform emit development calls that the production runtime lacks).
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = "production";
    try {
      await build(await viteConfig(aside));
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
    await precompressAssets(join(aside, "assets"));
    rmSync(WEB_DIST, { recursive: true, force: true });
    renameSync(aside, WEB_DIST);
    log(`web app built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return true;
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
