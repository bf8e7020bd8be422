/**
 * The worklist in the browser shows the site's overdue visits, the same ones the API lists, and
 * filtering to "Overdue" only leaves just those. The monitor's audit view lists the trail. A table
 * pasted from a spreadsheet is checked row by row and recorded as one batch.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs } from "./support/api-as.ts";
import { launchBrowser, logInAt, newTabletPage, releaseBrowser } from "./support/browser.ts";
import { type RunningServer, serverForTests } from "./support/server.ts";
import { viewportShot } from "./support/viewport-shot.ts";

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([serverForTests(), launchBrowser()]);
}, 300_000);

afterAll(async () => {
  await releaseBrowser(browser);
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
    await expect.poll(() => page.locator('tr[data-status="due"]').count(), { timeout: 15_000 }).toBe(0);
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
    // The record type is picked from a list, typed in any case.
    await page.getByRole("combobox", { name: "Record type" }).fill("PATI");
    await page.getByRole("option", { name: "patient", exact: true }).click();
    await page.getByRole("combobox", { name: "Record", exact: true }).fill("sz-0001");
    await page.getByRole("option", { name: "SZ-0001", exact: true }).click();
    await page.getByRole("button", { name: "Filter" }).click();
    await page.getByText(/audit events shown/).waitFor();
    await page.locator("tbody tr").first().waitFor();
    // The unfiltered page is on screen until the filtered one arrives: wait for it rather than
    // read the table in between (the demo's newest events are assessments, not patients).
    const kinds = () => page.locator("tbody tr td:nth-child(4)").allTextContents();
    await expect
      .poll(async () => (await kinds()).every((k) => k.startsWith("patient")), { timeout: 15_000 })
      .toBe(true);
    expect((await kinds()).length).toBeGreaterThan(0);
    // The record is named by its subject code, and no change line shows a raw id.
    await expect
      .poll(async () => (await kinds()).every((k) => k.includes("SZ-0001")), { timeout: 15_000 })
      .toBe(true);
    const changes = await page.locator("tbody tr td:nth-child(5)").allTextContents();
    expect(changes.join("\n")).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    await viewportShot(page, "audit");
    await context.close();
  }, 120_000);

  it("a pasted table is checked row by row, and only a clean table is recorded, as one batch", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
    await logInAt(page, "coordinator", "coordinator-demo", "SZ");
    await page.getByRole("link", { name: "Enter data" }).click();
    const patient = page.getByRole("combobox", { name: "Patient" });
    await patient.locator("option").nth(2).waitFor({ state: "attached" });
    const patientId = (await patient.locator("option").nth(2).getAttribute("value"))!;
    await patient.selectOption(patientId);
    await page.getByRole("tab", { name: "Paste a table" }).click();
    const box = page.getByRole("textbox", { name: /^Paste rows/ });
    const good = "718-7\t12.34\tg/dL\t2026-11-20 08:00\n777-3\t151\t10*3/uL\t2026-11-20 08:00";
    await box.fill(`code\tvalue\tunit\ttime\n${good}\n7187\t5\tg/dL\t2026-11-20`);
    await page.getByText("1 of 3 rows need fixing").waitFor();
    await expect(page.getByRole("button", { name: "Record 3 observations" }).isDisabled()).resolves.toBe(
      true,
    );
    await expect(page.getByRole("row", { name: /7187/ }).textContent()).resolves.toMatch(/not a LOINC code/);
    await viewportShot(page, "paste-table");

    await box.fill(`code\tvalue\tunit\ttime\n${good}`);
    await page.getByText("2 rows ready").waitFor();
    await page.getByRole("button", { name: "Record 2 observations" }).click();
    await page.getByRole("status").filter({ hasText: "2 observations recorded" }).waitFor();

    const api = await apiAs(server.url, "coordinator", "coordinator-demo");
    const hb = await api.get<{ items: { valueNumber: number; unit: string }[] }>(
      `/api/v1/observations?patientId=${patientId}&code=718-7&from=2026-11-19T00:00:00Z&to=2026-11-21T00:00:00Z`,
    );
    expect(hb.items.map((o) => [o.valueNumber, o.unit])).toContainEqual([12.34, "g/dL"]);
    await context.close();
  }, 120_000);

  it("an overdue visit recorded as missed, with its reason, leaves the worklist", async () => {
    const api = await apiAs(server.url, "coordinator", "coordinator-demo");
    const sites = await api.get<{ items: { id: string; code: string }[] }>("/api/v1/sites");
    const sz = sites.items.find((s) => s.code === "SZ")!.id;
    type Item = { id: string; patientId: string; code: string; label: string };
    const before = await api.get<{ items: Item[] }>(`/api/v1/worklist?siteId=${sz}&status=overdue`);
    const visit = before.items[0]!;

    const { context, page } = await newTabletPage(browser, server.url);
    await logInAt(page, "coordinator", "coordinator-demo", "SZ");
    await page.goto(`/entry/${visit.patientId}/visits`);
    const row = page.locator("tr", { hasText: `${visit.label} (${visit.code})` });
    await row.getByRole("textbox", { name: /^Reason for this entry/ }).fill("Recorded from the worklist");
    await row.getByRole("textbox", { name: "Missed because" }).fill("Patient in hospital elsewhere");
    await row.getByRole("button", { name: "Missed" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `${visit.label}: missed` })
      .waitFor();

    const stored = await api.get<{ missedReason: string; status: { status: string } }>(
      `/api/v1/visits/${visit.id}`,
    );
    expect(stored).toMatchObject({
      missedReason: "Patient in hospital elsewhere",
      status: { status: "missed" },
    });
    const after = await api.get<{ items: Item[] }>(`/api/v1/worklist?siteId=${sz}&status=overdue`);
    expect(after.items.map((i) => i.id)).not.toContain(visit.id);
    expect(after.items).toHaveLength(before.items.length - 1);
    await context.close();
  }, 120_000);
});
