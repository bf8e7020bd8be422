/**
 * The compiled command line (bin/compiled-cli.js, decision 0044): built from a small project of its
 * own here, it keeps each file's `import.meta` as that file would see it running from source, and
 * it is trusted only while every file it was built from is unchanged — a touched file still
 * counts, an edited or removed one does not.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

interface CompiledCliModule {
  freshCompiledCli(options?: Options): string | null;
  compileCli(options?: Options): Promise<string>;
}
interface Options {
  root?: string;
  cacheDir?: string;
  entry?: string;
}

const { compileCli, freshCompiledCli } = (await import(
  pathToFileURL(join(process.cwd(), "bin/compiled-cli.js")).href
)) as CompiledCliModule;

const root = mkdtempSync(join(tmpdir(), "v2v-compiled-cli-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const write = (file: string, text: string) => {
  mkdirSync(join(root, file, ".."), { recursive: true });
  writeFileSync(join(root, file), text);
};
const options: Options = { root, cacheDir: join(root, "cache") };

write("tsconfig.json", "{}\n");
write("package.json", '{ "type": "module" }\n');
write(
  "src/cli/main.ts",
  [
    'import { where } from "../store/where.ts";',
    "const self: string = import.meta.url;",
    "console.log(JSON.stringify({ main: self, ...where() }));",
  ].join("\n"),
);
write(
  "src/store/where.ts",
  "export const where = () => ({ store: import.meta.url, dir: import.meta.dirname, file: import.meta.filename });\n",
);

describe("the compiled command line", () => {
  it("runs with each source file's own import.meta, and is fresh right after its build", async () => {
    expect(freshCompiledCli(options)).toBeNull();
    const main = await compileCli(options);
    expect(freshCompiledCli(options)).toBe(main);
    const r = spawnSync(process.execPath, [main], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      main: pathToFileURL(join(root, "src/cli/main.ts")).href,
      store: pathToFileURL(join(root, "src/store/where.ts")).href,
      dir: join(root, "src/store"),
      file: join(root, "src/store/where.ts"),
    });
  });

  it("a file touched without a change keeps it; an edited, removed or settings file makes it stale", async () => {
    const main = await compileCli(options);
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, "src/store/where.ts"), later, later);
    expect(freshCompiledCli(options)).toBe(main);

    write("src/store/where.ts", "export const where = () => ({ edited: true });\n");
    expect(freshCompiledCli(options)).toBeNull();
    await compileCli(options);
    expect(freshCompiledCli(options)).toBe(main);

    write("tsconfig.json", '{ "compilerOptions": {} }\n');
    expect(freshCompiledCli(options)).toBeNull();
    await compileCli(options);
    rmSync(join(root, "src/store/where.ts"));
    expect(freshCompiledCli(options)).toBeNull();
    write("src/store/where.ts", "export const where = () => ({});\n");
  });

  it("refuses a source using import.meta in a way a bundle cannot keep, leaving no bundle to trust", async () => {
    const other: Options = { ...options, cacheDir: join(root, "cache-2") };
    write("src/cli/env.ts", "console.log((import.meta as unknown as { env: unknown }).env);\n");
    await expect(compileCli({ ...other, entry: "src/cli/env.ts" })).rejects.toThrow(/import\.meta/);
    expect(freshCompiledCli(other)).toBeNull();
  });
});
