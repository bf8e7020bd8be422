/**
 * A calculator's input checks in the reader's language (issue 11): each input raises its check's
 * code; each code is worded in both web catalogues, the English word for word as the server's
 * sentence unless that sentence quotes values entered (`quoting`); and the inputs cover every code
 * of `checks`. Used by web-rule-issues*.test.ts.
 */
import { expect } from "vitest";
import { en } from "../../web/src/i18n/en.ts";
import { zhCN } from "../../web/src/i18n/zh-CN.ts";
import { issuesOf } from "./validation.ts";

export function expectChecksWorded(
  run: (input: Record<string, unknown>) => unknown,
  raising: Record<string, Record<string, unknown>>,
  checks: readonly string[],
  quoting: ReadonlySet<string>,
): void {
  const rule = (c: typeof en, code: string) => (c.issue.rule as Record<string, string>)[code];
  for (const [code, input] of Object.entries(raising)) {
    const issues = issuesOf(() => run(input));
    expect(
      issues.map((i) => i.code),
      code,
    ).toContain(code);
    expect(rule(en, code), code).toBeTruthy();
    expect(rule(zhCN, code), code).toMatch(/\p{Script=Han}/u);
    if (!quoting.has(code)) expect(rule(en, code), code).toBe(issues.find((i) => i.code === code)!.message);
  }
  expect(Object.keys(raising).sort()).toEqual([...checks].sort());
}
