/**
 * The worklist in the browser shows the site's overdue visits, the same ones the API lists, and
 * filtering to "Overdue" only leaves just those. The monitor's audit view lists the trail.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs } from "./support/api-as.ts";
import { launchBrowser, logInAt, newTabletPage } from "./support/browser.ts";
import { type RunningServer, startServer } from "./support/server.ts";
import { viewportShot } from "./support/viewport-shot.ts";

/** V2V_E2E_URL: use a server already running (with a fresh demo) while developing a screen. */
const serverForTests = async (): Promise<RunningServer> => {
  const url = process.env.V2V_E2E_URL;
  return url ? { url, output: () => "", stop: async () => {} } : startServer();
};

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([serverForTests(), launchBrowser()]);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("worklist", () => {
  it("shows the overdue visits the API lists for the site", async () => {
    const api = await apiAs(server.url, "coordinator", "coordinator-demo");
    const sites = await api.get<{ items: { id: string; code: string }[] }>("/api/v1/sites");
    const sz = sites.items.find((s) => s.code === "SZ")!.id;
    const overdue = await api.get<{ items: { id: string; subjectCode: string }[] }>(
      `/api/v1/worklist?siteId=${sz}&status=overdue`,
    );
    expect(overdue.items.length).toBeGreaterThan(0);

    const { context, page } = await newTabletPage(browser, server.url);
    await logInAt(page, "coordinator", "coordinator-demo", "SZ");
    await page.getByRole("link", { name: "Worklist" }).click();
    await page.getByRole("heading", { name: /^Worklist/ }).waitFor();
    await page.locator("tr[data-status]").first().waitFor();
    await viewportShot(page, "worklist");
    const shownOverdue = await page.locator('tr[data-status="overdue"]').count();
    expect(shownOverdue).toBe(overdue.items.length);

    await page.getByRole("checkbox", { name: "Due", exact: true }).uncheck();
    await page.waitForFunction(() => document.querySelectorAll('tr[data-status="due"]').length === 0);
    expect(await page.locator("tr[data-status]").count()).toBe(overdue.items.length);
    const first = overdue.items[0]!;
    await expect(page.getByRole("link", { name: first.subjectCode }).first().isVisible()).resolves.toBe(true);
    await context.close();
  }, 120_000);

  it("the monitor reads the audit trail, newest first", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
    await logInAt(page, "monitor", "monitor-demo", "SZ");
    await page.getByRole("link", { name: "Audit trail" }).click();
    await page.getByRole("heading", { name: /^Audit trail/ }).waitFor();
    await page.getByRole("textbox", { name: /^Entity type/ }).fill("patient");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.getByText(/audit events shown/).waitFor();
    await page.locator("tbody tr").first().waitFor();
    const kinds = await page.locator("tbody tr td:nth-child(4)").allTextContents();
    expect(kinds.length).toBeGreaterThan(0);
    expect(kinds.every((k) => k.startsWith("patient"))).toBe(true);
    await viewportShot(page, "audit");
    await context.close();
  }, 120_000);
});
