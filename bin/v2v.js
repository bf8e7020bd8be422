#!/usr/bin/env node
// Entry point of the `v2v` CLI. The sources are TypeScript run through tsx's loader, so there is
// no build step between `git clone` and `npm start` (docs/decisions/0004-run-typescript-with-tsx.md).
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
