import type { DemoSummary } from "../demo/load.ts";

/** What `v2v demo load` and the first start print: what was loaded and the demo-only logins. */
export function printDemoSummary(summary: DemoSummary, out: (line: string) => void) {
  out(
    `Loaded the SYNTHETIC demo program: ${summary.patients} patients, ${summary.observations} observations, ` +
      `sites ${summary.sites.map((s) => s.code).join(", ")}.`,
  );
  out("Demo accounts (demo only; never use these passwords for real data):");
  for (const u of summary.users)
    out(`  ${u.username.padEnd(16)} password ${u.password.padEnd(22)} ${u.role}`);
}
