#!/usr/bin/env node
// Entry point of the `v2v` CLI. It runs the compiled bundle `v2v prepare` made when that bundle was
// built from exactly the sources on disk (bin/compiled-cli.js, docs/decisions/0044-start-up-time.md),
// and otherwise the TypeScript sources themselves through tsx's loader, so there is still no build
// step between `git clone` and `npm start` (docs/decisions/0004-run-typescript-with-tsx.md).
// V2V_FROM_SOURCE=1 always runs the sources.
import { freshCompiledCli } from "./compiled-cli.js";

const compiled = process.env.V2V_FROM_SOURCE === "1" ? null : freshCompiledCli();
if (compiled) await import(compiled);
else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/main.ts");
}
