/**
 * The compiled command line (bin/compiled-cli.js, docs/decisions/0044-start-up-time.md) as the
 * TypeScript side sees it: `v2v prepare` builds it, and `v2v serve` rebuilds it once listening
 * when the sources have changed since, so the next start loads it instead of the sources.
 */
export interface CompiledCli {
  /** the bundle's main module if built from exactly the sources on disk, else null */
  freshCompiledCli(): string | null;
  /** builds the bundle; resolves to its main module */
  compileCli(): Promise<string>;
}

export const compiledCli = async (): Promise<CompiledCli> =>
  (await import(new URL("../../bin/compiled-cli.js", import.meta.url).href)) as CompiledCli;
