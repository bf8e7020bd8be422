// Entry of a kinetics worker thread. A worker starts without the main thread's tsx loader
// (bin/v2v.js registers it there; decision 0004), so it registers its own before loading the
// TypeScript that does the work.
import { register } from "tsx/esm/api";

register();
await import("./kinetics-worker-main.ts");
