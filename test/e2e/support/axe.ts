/**
 * axe-core (docs/decisions/0036-clinic-screens-readable.md) injected into the page under test:
 * the library's own script is evaluated in the page and run there, so no browser download or
 * extension is needed. Returns the serious and critical violations, each with the first few
 * elements and what axe says to fix, so a failure names the page, the rule and the element.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

// Evaluated, not added as a <script>: the app's Content-Security-Policy (script-src 'self') rightly
// refuses inline scripts, and the test must not weaken it.
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface AxeProblem {
  rule: string;
  impact: string;
  help: string;
  nodes: string[];
}

/** The part of axe's result read here (https://github.com/dequelabs/axe-core/blob/develop/doc/API.md#results-object). */
interface RawViolation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[]; failureSummary: string }[];
}

export async function seriousAxeViolations(page: Page): Promise<AxeProblem[]> {
  if (!(await page.evaluate<boolean>("'axe' in window"))) await page.evaluate(AXE);
  const violations = await page.evaluate<RawViolation[]>(
    "axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)",
  );
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes
        .slice(0, 4)
        .map((n) => `${n.target.join(" ")} — ${n.failureSummary.split("\n").slice(1, 2).join("")}`),
    }));
}
