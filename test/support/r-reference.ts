/**
 * Runs R as the independent reference for the statistics (issue 12): writes the data as CSV files
 * into a fresh temporary directory, runs `Rscript --vanilla` on one of the scripts in
 * test/support/r/ with that directory as its argument, and reads back the long table the script
 * writes (out.tsv: dataset, kind, index, field, value; values printed with 17 significant digits,
 * "NA", "Inf"). Base R, survival and cmprsk only (what .ci/run installs; no jsonlite).
 *
 * R must be present: a missing Rscript fails the test that asked for it, never skips it.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
export const R_SCRIPTS = join(import.meta.dirname, "r");

export type Csv = { header: string[]; rows: (string | number)[][] };

export const csv = (c: Csv) => `${[c.header.join(","), ...c.rows.map((r) => r.join(","))].join("\n")}\n`;

/** Values keyed `dataset|kind|field`, each an array by index (1-based in R, 0-based here). */
export type RTable = Map<string, (number | null)[]>;

export async function runR(script: string, files: Record<string, Csv>): Promise<RTable> {
  const dir = await mkdtemp(join(tmpdir(), "v2v-r-"));
  try {
    for (const [name, c] of Object.entries(files)) await writeFile(join(dir, name), csv(c));
    try {
      await run("Rscript", ["--vanilla", join(R_SCRIPTS, script), dir], { maxBuffer: 64 * 1024 * 1024 });
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { stderr?: string };
      if (err.code === "ENOENT")
        throw new Error(
          "Rscript is not installed: the statistics are checked against R (.ci/run installs it)",
        );
      throw new Error(`Rscript ${script} failed: ${err.stderr ?? err.message}`);
    }
    return parseTable(await readFile(join(dir, "out.tsv"), "utf8"));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function parseTable(text: string): RTable {
  const table: RTable = new Map();
  for (const line of text.split("\n")) {
    if (!line) continue;
    const [dataset, kind, index, field, raw] = line.split("\t");
    const key = `${dataset}|${kind}|${field}`;
    const list = table.get(key) ?? [];
    table.set(key, list);
    list[Number(index) - 1] = parseValue(raw!);
  }
  return table;
}

function parseValue(raw: string): number | null {
  if (raw === "NA" || raw === "NaN") return null;
  if (raw === "Inf") return Number.POSITIVE_INFINITY;
  if (raw === "-Inf") return Number.NEGATIVE_INFINITY;
  return Number(raw);
}

/** |a − b| ≤ tol · max(1, |b|), with null (NA) equal only to null. */
export function near(a: number | null | undefined, b: number | null | undefined, tol = 1e-6): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
}

/**
 * Compares ours with R's field by field and returns every difference as a sentence (empty when
 * all agree), so one failing assertion lists them all.
 */
export function differences(
  label: string,
  ours: readonly (number | null)[],
  theirs: readonly (number | null)[] | undefined,
  tol = 1e-6,
): string[] {
  if (!theirs) return [`${label}: R gave no values`];
  const out: string[] = [];
  if (ours.length !== theirs.length) out.push(`${label}: ${ours.length} values, R ${theirs.length}`);
  for (let i = 0; i < Math.min(ours.length, theirs.length); i++)
    if (!near(ours[i], theirs[i], tol)) out.push(`${label}[${i}]: ours ${ours[i]}, R ${theirs[i]}`);
  return out;
}
