/**
 * The thaw on the product page (issue 11): the coordinator records when thawing started on the
 * site's clock (Asia/Shanghai, named on the form), to the second; the instant stored is that local
 * time in the site's zone, and the post-thaw expiry the server computed is shown. A thaw dated
 * before the bag's previous step or before lymphodepletion is refused with its rule in plain words,
 * the times on the site's clock, and nothing moves; in Chinese the refusal reads in Chinese.
 * Setup through the HTTP API as in bedside.test.ts: a bag stored at the ward, its patient's
 * journey brought to lymphodepletion.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { instantOfLocal, localDate, localDateTime } from "../../src/domain/study-day.ts";
import { passingResults } from "../support/qc-results.ts";
import { type ApiAs, apiAs } from "./support/api-as.ts";
import { seriousAxeViolations } from "./support/axe.ts";
import { launchBrowser, logInAt, newTabletPage, releaseBrowser } from "./support/browser.ts";
import { type RunningServer, serverForTests } from "./support/server.ts";
import { viewportShot } from "./support/viewport-shot.ts";

let server: RunningServer;
let browser: Browser;
let coordinator: ApiAs;
let bagId: string;
let timeZone: string;

interface Unit {
  id: string;
  kind: string;
  state: string;
  journeyId: string;
  thawedAt: string | null;
  postThawExpiresAt: string | null;
  thawStabilityMinutes: number | null;
}

beforeAll(async () => {
  [server, browser] = await Promise.all([serverForTests(), launchBrowser()]);
  coordinator = await apiAs(server.url, "coordinator", "coordinator-demo");
  const quality = await apiAs(server.url, "quality", "quality-demo");
  const manufacturing = await apiAs(server.url, "manufacturing", "manufacturing-demo");
  const sites = await coordinator.get<{ items: { id: string; code: string; timeZone: string }[] }>(
    "/api/v1/sites",
  );
  const sz = sites.items.find((s) => s.code === "SZ")!;
  timeZone = sz.timeZone;
  const board = await coordinator.get<{ items: Unit[] }>(`/api/v1/product-board?siteId=${sz.id}&scope=open`);
  const bags = board.items.filter((u) => u.kind === "final-product");
  let stored = bags.find((u) => u.state === "stored-at-site");
  if (!stored) {
    const waiting = bags.find((u) => u.state === "qc-pending");
    if (!waiting) throw new Error(`no bag to thaw at SZ: ${bags.map((u) => u.state).join(", ")}`);
    await quality.post(`/api/v1/product-units/${waiting.id}/qc-results`, {
      results: passingResults(5e8, new Date(Date.now() - 3_600_000).toISOString()),
    });
    await quality.post(`/api/v1/product-units/${waiting.id}/release`, {
      signatures: [{ username: "quality", password: "quality-demo", meaning: "released" }],
    });
    // Manufacturing ships the bag; the ward receives it (each step by its owner).
    await manufacturing.post(`/api/v1/product-units/${waiting.id}/events`, { type: "ship-to-site" });
    await coordinator.post(`/api/v1/product-units/${waiting.id}/events`, { type: "receive-at-site" });
    stored = waiting;
  }
  bagId = stored.id;
  const { journeyId } = await coordinator.get<Unit>(`/api/v1/product-units/${bagId}`);
  const journeyPath = `/api/v1/journeys/${journeyId}`;
  const toLymphodepletion: Record<string, Record<string, unknown>> = {
    "bridging-or-washout": { type: "end-bridging" },
    "awaiting-product": { type: "product-released" },
    "pre-ld-check": { type: "start-lymphodepletion", patientFit: true },
  };
  for (;;) {
    const journey = await coordinator.get<{ state: string; version: number }>(journeyPath);
    const next = toLymphodepletion[journey.state];
    if (!next) break;
    await coordinator.post(`${journeyPath}/events`, { ...next, version: journey.version });
  }
}, 300_000);

afterAll(async () => {
  await releaseBrowser(browser);
  await server?.stop();
});

describe("the thaw form on the product page", () => {
  it("records the thaw on the site's clock to the second, shows the expiry, and words refusals by their rule", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
    try {
      await logInAt(page, "coordinator", "coordinator-demo", "SZ");
      await page.goto(`/board/${bagId}`);
      const form = page.getByRole("form", { name: "Record the thaw" });
      await form.waitFor();
      const input = form.getByLabel(`Thaw started, ${timeZone} clock`);
      // Prefilled with the site's now (its calendar date, not the UTC one), entered to the second.
      // The browser normalises the value (HTML's "normalized local date and time string"), which
      // leaves out the seconds when they are :00, so the seconds are optional in the value.
      expect(await input.getAttribute("step")).toBe("1");
      const prefilled = await input.inputValue();
      expect(prefilled).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/);
      const prefilledAt = instantOfLocal(prefilled, timeZone)!;
      expect(Math.abs(prefilledAt.getTime() - Date.now())).toBeLessThan(120_000);
      expect(prefilled.slice(0, 10)).toBe(localDate(prefilledAt, timeZone));
      expect(await seriousAxeViolations(page)).toEqual([]);

      // Two hours ago is before the bag's receipt or before lymphodepletion: refused by its rule,
      // the other event's time on the site's clock, and the bag does not move.
      const tooEarly = localDateTime(new Date(Date.now() - 2 * 3_600_000), timeZone, "second");
      await input.fill(tooEarly);
      await form.getByRole("button", { name: "Record the thaw" }).click();
      const refusal = form.getByRole("alert");
      await refusal.waitFor();
      expect(await refusal.textContent()).toContain("Thaw not recorded; nothing was written");
      expect(await refusal.textContent()).toMatch(
        /A thaw cannot come before the bag's previous step|A bag is not thawed before the patient's lymphodepletion started/,
      );
      expect(await refusal.textContent()).toContain(timeZone);
      expect(await refusal.textContent()).not.toMatch(/\d{2}:\d{2}:\d{2}(\.\d+)?Z/);
      expect((await coordinator.get<Unit>(`/api/v1/product-units/${bagId}`)).state).toBe("stored-at-site");
      await viewportShot(page, "thaw-refused");

      // In Chinese the same refusal reads in Chinese.
      await page.getByRole("combobox", { name: "Language" }).selectOption("zh-CN");
      try {
        const zhForm = page.getByRole("form", { name: "记录复苏" });
        // The page may be read again after the switch, the form prefilled anew: the early time again.
        await zhForm.getByLabel(`复苏开始时间（${timeZone} 时间）`).fill(tooEarly);
        await zhForm.getByRole("button", { name: "记录复苏" }).click();
        await zhForm.getByRole("alert").filter({ hasText: "复苏未记录" }).waitFor();
        expect(await zhForm.getByRole("alert").textContent()).toMatch(
          /不能早于该袋的上一步|不能在患者开始清淋之前/,
        );
      } finally {
        await page.getByRole("combobox", { name: "语言" }).selectOption("en");
        await page.getByRole("combobox", { name: "Language" }).waitFor();
      }

      // Thawing started just now (the next whole second: not before the bag's receipt).
      const local = localDateTime(new Date(Math.ceil(Date.now() / 1000) * 1000), timeZone, "second");
      await input.fill(local);
      await form.getByRole("button", { name: "Record the thaw" }).click();
      const thawed = page.getByRole("status").filter({ hasText: "Thaw started at" });
      await thawed.waitFor({ timeout: 20_000 });

      // The instant stored is the entered local time in the site's zone, to the second.
      const unit = await coordinator.get<Unit>(`/api/v1/product-units/${bagId}`);
      expect(unit.state).toBe("thawed");
      expect(unit.thawedAt).toBe(instantOfLocal(local, timeZone)!.toISOString());
      // The expiry the server computed, shown on the site's clock.
      expect(unit.postThawExpiresAt).not.toBeNull();
      expect(new Date(unit.postThawExpiresAt!).getTime() - new Date(unit.thawedAt!).getTime()).toBe(
        unit.thawStabilityMinutes! * 60_000,
      );
      const expiryShown = `${localDateTime(new Date(unit.postThawExpiresAt!), timeZone, "second").replace("T", " ")} ${timeZone}`;
      expect(await thawed.textContent()).toContain(`Thaw started at ${local.replace("T", " ")} ${timeZone}`);
      expect(await thawed.textContent()).toContain(`Usable until ${expiryShown}`);
      expect(await page.getByRole("form", { name: "Record the thaw" }).count()).toBe(0);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await viewportShot(page, "thaw-recorded");
    } finally {
      await context.close();
    }
  }, 300_000);
});
