/**
 * The layers point one way (shared/design/architecture.md): domain ← store ← services ← http/cli.
 * This reads every import in src/ and fails on an arrow pointing the wrong way, and on I/O in the
 * domain.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(import.meta.dirname, "../../src");
const LAYERS = ["domain", "fhir", "store", "services", "demo", "http", "cli"] as const;
type Layer = (typeof LAYERS)[number];

/** What each layer may import from src/ (besides itself). */
const MAY_IMPORT: Record<Layer, Layer[]> = {
  domain: [],
  fhir: ["domain"], // pure FHIR R4 mappings (src/fhir/README.md)
  store: ["domain"],
  services: ["domain", "fhir", "store"],
  demo: ["domain", "store", "services"],
  http: ["domain", "fhir", "services", "store"], // store: only the Database type handed to buildApp
  cli: ["domain", "fhir", "store", "services", "http", "demo"],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const importsOf = (file: string) =>
  [...readFileSync(file, "utf8").matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gm)].map(
    (m) => m[1]!,
  );

const layerOf = (file: string): Layer | null => {
  const top = relative(SRC, file).split("/")[0] as Layer;
  return LAYERS.includes(top) ? top : null;
};

describe("architecture", () => {
  it("no layer imports one above it", () => {
    const wrong: string[] = [];
    for (const file of files(SRC)) {
      const layer = layerOf(file);
      if (!layer) continue;
      for (const spec of importsOf(file)) {
        if (!spec.startsWith(".")) continue;
        const target = layerOf(join(file, "..", spec));
        if (target && target !== layer && !MAY_IMPORT[layer].includes(target))
          wrong.push(`${relative(SRC, file)} → ${spec}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("the domain does no I/O", () => {
    const io =
      /^(node:)?(fs|net|http|https|child_process|dgram|worker_threads)(\/|$)|^(pg|@electric-sql\/pglite|kysely|fastify)/;
    const offenders = files(join(SRC, "domain")).flatMap((f) =>
      importsOf(f)
        .filter((s) => io.test(s))
        .map((s) => `${relative(SRC, f)} → ${s}`),
    );
    expect(offenders).toEqual([]);
  });

  it("the HTTP layer uses the store only for the Database type", () => {
    const offenders = files(join(SRC, "http")).flatMap((f) =>
      [...readFileSync(f, "utf8").matchAll(/^import\s+(type\s+)?[^;]*from\s+"([^"]*\/store\/[^"]*)"/gm)]
        .filter((m) => !m[1])
        .map((m) => `${relative(SRC, f)} → ${m[2]}`),
    );
    expect(offenders).toEqual([]);
  });

  it("SQL is written only in the store (the domain, services, HTTP and CLI build no queries)", () => {
    // Kysely's query builders and raw sql`` are how SQL is written here. The demo generator
    // (src/demo/) may still write its bulk rows itself.
    const query = /\.(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(|\bsql`/;
    const offenders = ["domain", "services", "http", "cli"].flatMap((layer) =>
      files(join(SRC, layer)).flatMap((f) =>
        readFileSync(f, "utf8")
          .split("\n")
          .flatMap((line, i) => (query.test(line) ? [`${relative(SRC, f)}:${i + 1}: ${line.trim()}`] : [])),
      ),
    );
    expect(offenders).toEqual([]);
  });

  it("the web app holds no rule tables: codes, drug classes and day arithmetic live in src/domain", () => {
    expect(ruleTableLines(WEB_SRC)).toEqual([]);
  });

  it("the rule-table check catches a planted LOINC code, drug list and millisecond day arithmetic", () => {
    const planted = [
      'const TEMPERATURE = "8310-5";',
      "const STEROIDS = /prednisolone|methylprednisolone/i;",
      "const day = (ms: number) => Math.floor(ms / 86400000);",
      'const ATC = "H02AB06";',
      "const monthsLater = d.setMonth(d.getMonth() + 3);",
    ];
    expect(planted.filter((line) => RULE_TABLE_SIGNS.some((sign) => sign.test(line)))).toEqual(planted);
    expect(RULE_TABLE_SIGNS.some((sign) => sign.test('const label = t("patients.title");'))).toBe(false);
  });
});

/**
 * Signs that a clinical rule or code table is being written in the web app (issue 16: "an
 * architecture test forbids ... rule tables in web/"): the web app shows what the API derives.
 * LOINC codes (nnnnn-n), ATC codes (e.g. H02AB06), drug names that classify medicines, and date
 * arithmetic done by hand in milliseconds or with setDate/setMonth, which is how study days and
 * visit windows were once recomputed in the browser.
 */
const RULE_TABLE_SIGNS = [
  /["'`]\d{3,5}-\d["'`]/,
  /["'`][A-Z]\d\d[A-Z]{2}\d\d["'`]/,
  /prednis|methylpred|dexamethason|hydroxychloroquin|mycophenol|tacrolimus|cyclophosphamid|fludarabin/i,
  /86_?400_?000|864e5|\bset(UTC)?(Date|Month|FullYear)\(/,
];

const WEB_SRC = join(import.meta.dirname, "../../web/src");

/** Lines of web/src components and modules that show a sign; catalogues and generated types excepted. */
function ruleTableLines(dir: string): string[] {
  const all = (d: string): string[] =>
    readdirSync(d).flatMap((f) => {
      const p = join(d, f);
      return statSync(p).isDirectory() ? all(p) : /\.tsx?$/.test(p) ? [p] : [];
    });
  return all(dir)
    .filter((f) => !/\/i18n\/|schema\.d\.ts$/.test(f))
    .flatMap((f) =>
      readFileSync(f, "utf8")
        .split("\n")
        .flatMap((line, i) =>
          // Prose in a comment is not a table.
          /^\s*(\*|\/\/)/.test(line)
            ? []
            : RULE_TABLE_SIGNS.some((sign) => sign.test(line))
              ? [`${relative(dir, f)}:${i + 1}: ${line.trim()}`]
              : [],
        ),
    );
}
