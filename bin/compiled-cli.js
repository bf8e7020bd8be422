// The command line compiled ahead of time (docs/decisions/0044-start-up-time.md). Loading the
// TypeScript sources through tsx's loader costs a start most of its time: every one of some 300
// modules is resolved and transpiled through a loader thread. `v2v prepare` (which `npm install`
// runs) bundles src/cli/main.ts with esbuild into one ES module and its lazily loaded chunks under
// node_modules/.cache/vein2vein/cli, with a manifest naming every source file that went into it
// and its sha-256. bin/v2v.js runs that bundle only while every one of those files still has the
// recorded contents; after any edit it runs the sources through tsx, as before, until the next
// `v2v prepare` or `v2v serve` rebuilds it. Plain JavaScript, because it runs before any loader.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
/** Bumped when the way the bundle is made changes, so older bundles are not trusted. */
const FORMAT = 2;
/** Files outside the bundle's inputs whose contents change what esbuild makes of them. */
const SETTINGS = ["tsconfig.json", "package.json", "package-lock.json", "bin/compiled-cli.js"];
/**
 * Packages compiled into the bundle (the rest stay imports): @stdlib's special functions, and the
 * ES-module packages of hundreds of small files every command loads (kysely 263, zod 95), each
 * with the one package that imports it, so that no copy outside the bundle meets a copy inside
 * (decision 0047). All are plain code: no file read by path, no native addon.
 */
const BUNDLED = /^(@stdlib\/|(zod|fastify-type-provider-zod|kysely|kysely-pglite-dialect)(\/|$))/;

/**
 * @typedef {{ size: number, mtimeMs: number, sha256: string }} InputRecord
 * @typedef {{ format: number, root: string, esbuild: string, inputs: Record<string, InputRecord> }} Manifest
 * @typedef {{ root?: string, cacheDir?: string, entry?: string }} Options
 */

/** @param {Options} [options] */
function places(options = {}) {
  const root = options.root ?? ROOT;
  const cacheDir =
    options.cacheDir ?? process.env.V2V_CACHE_DIR ?? join(root, "node_modules/.cache/vein2vein");
  const dir = join(cacheDir, "cli");
  return {
    root,
    dir,
    main: join(dir, "main.js"),
    manifest: join(dir, "manifest.json"),
    entry: options.entry ?? "src/cli/main.ts",
  };
}

/** @param {string} path */
const sha256 = (path) => createHash("sha256").update(readFileSync(path)).digest("hex");

/**
 * The bundle's main module when it was built from exactly the files on disk now, else null. A file
 * whose size and modification time are as recorded is taken as unchanged; any other is hashed (a
 * checkout touches files without changing them), and one that differs makes the bundle stale.
 * @param {Options} [options]
 * @returns {string | null}
 */
export function freshCompiledCli(options) {
  const p = places(options);
  try {
    /** @type {Manifest} */
    const manifest = JSON.parse(readFileSync(p.manifest, "utf8"));
    if (manifest.format !== FORMAT || manifest.root !== p.root || !existsSync(p.main)) return null;
    for (const [file, recorded] of Object.entries(manifest.inputs)) {
      const path = join(p.root, file);
      const now = statSync(path);
      if (now.size === recorded.size && now.mtimeMs === recorded.mtimeMs) continue;
      if (now.size !== recorded.size || sha256(path) !== recorded.sha256) return null;
    }
    return p.main;
  } catch {
    return null; // no manifest, an unreadable one, or an input that is gone
  }
}

/**
 * Replaces `import.meta.url`, `.dirname` and `.filename` in a source file by the values they have
 * when that file runs from source, so the bundle finds the migrations, the web app, the worker
 * scripts and package.json where the sources do. Any other use of `import.meta` is refused: the
 * build fails and the sources keep running through tsx.
 * @param {string} source
 * @param {string} path
 */
function pinImportMeta(source, path) {
  const pinned = source
    .replaceAll("import.meta.url", JSON.stringify(pathToFileURL(path).href))
    .replaceAll("import.meta.dirname", JSON.stringify(dirname(path)))
    .replaceAll("import.meta.filename", JSON.stringify(path));
  if (pinned.includes("import.meta"))
    throw new Error(`${path}: import.meta is used in a way the compiled CLI cannot keep`);
  return pinned;
}

/**
 * Builds the bundle, written aside and renamed into place so a concurrent start never loads half
 * of one. Resolves to the main module's path.
 * @param {Options} [options]
 * @returns {Promise<string>}
 */
export async function compileCli(options) {
  const p = places(options);
  const esbuild = await import("esbuild");
  const aside = `${p.dir}.${process.pid}.partial`;
  rmSync(aside, { recursive: true, force: true });
  const result = await esbuild.build({
    absWorkingDir: p.root,
    entryPoints: { main: join(p.root, p.entry) },
    outdir: aside,
    bundle: true,
    splitting: true, // what the CLI imports on demand (the demo loader, exports) stays in chunks
    format: "esm",
    platform: "node",
    target: "node20",
    metafile: true,
    logLevel: "silent",
    legalComments: "none",
    // what the bundled packages require() of the others is resolved from the project, as before
    banner: {
      js: `import { createRequire as v2vCreateRequire } from "node:module"; const require = v2vCreateRequire(${JSON.stringify(join(p.root, "package.json"))});`,
    },
    plugins: [
      {
        // Packages are loaded from node_modules as usual, except the few listed in BUNDLED: plain
        // functions in hundreds of tiny files, which cost more to find and load one by one than
        // to compile once in the bundle.
        name: "external-packages",
        setup(build) {
          build.onResolve({ filter: /^[^./]/ }, (args) =>
            BUNDLED.test(args.path) ? undefined : { path: args.path, external: true },
          );
        },
      },
      {
        name: "pin-import-meta",
        setup(build) {
          build.onLoad({ filter: /\.[cm]?[jt]s$/ }, (args) => {
            if (args.path.includes(`${join("node_modules", "")}`)) return undefined;
            const loader = /** @type {"ts" | "js"} */ (args.path.endsWith("ts") ? "ts" : "js");
            return { contents: pinImportMeta(readFileSync(args.path, "utf8"), args.path), loader };
          });
        },
      },
    ],
  });
  /** @type {Record<string, InputRecord>} */
  const inputs = {};
  // The bundled packages' files are not listed: package-lock.json, which names their versions, is.
  const files = Object.keys(result.metafile.inputs)
    .map((f) => relative(p.root, resolve(p.root, f)))
    .filter((f) => !f.startsWith("node_modules"));
  for (const file of [...new Set([...files, ...SETTINGS])].sort()) {
    const path = join(p.root, file);
    if (!existsSync(path)) continue;
    const { size, mtimeMs } = statSync(path);
    inputs[file] = { size, mtimeMs, sha256: sha256(path) };
  }
  /** @type {Manifest} */
  const manifest = { format: FORMAT, root: p.root, esbuild: esbuild.version, inputs };
  writeFileSync(join(aside, "manifest.json"), `${JSON.stringify(manifest, null, 1)}\n`);
  mkdirSync(dirname(p.dir), { recursive: true });
  const old = `${p.dir}.${process.pid}.old`;
  try {
    if (existsSync(p.dir)) renameSync(p.dir, old);
    renameSync(aside, p.dir);
  } catch (e) {
    // another process put its build in place meanwhile: it was made from the same files
    rmSync(aside, { recursive: true, force: true });
    if (!existsSync(p.main)) throw e;
  } finally {
    rmSync(old, { recursive: true, force: true });
  }
  return p.main;
}
