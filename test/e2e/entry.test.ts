/**
 * Entering data in the browser: one observation with its unit and time, and a medication; both
 * are read back through the API. A wrong LOINC check digit is refused by the server and shown
 * next to the code, with nothing recorded.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs } from "./support/api-as.ts";
import { launchBrowser, logInAt, newTabletPage, releaseBrowser } from "./support/browser.ts";
import { type RunningServer, serverForTests } from "./support/server.ts";

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([serverForTests(), launchBrowser()]);
}, 180_000);

afterAll(async () => {
  await releaseBrowser(browser);
  await server?.stop();
});

describe("enter data", () => {
  it("records an observation and a medication, and refuses a LOINC code with a wrong check digit", async () => {
    const api = await apiAs(server.url, "coordinator", "coordinator-demo");
    const { context, page } = await newTabletPage(browser, server.url);
    await logInAt(page, "coordinator", "coordinator-demo", "SZ");
    await page.getByRole("link", { name: "Enter data" }).click();
    const patient = page.getByRole("combobox", { name: "Patient" });
    await patient.locator("option").nth(3).waitFor({ state: "attached" });
    const patientId = (await patient.locator("option").nth(3).getAttribute("value"))!;
    await patient.selectOption(patientId);

    // 718-8 is haemoglobin's code with the wrong check digit (718-7 is right).
    await page.getByRole("textbox", { name: /^LOINC code/ }).fill("718-8");
    await page.getByRole("textbox", { name: /^Value/ }).fill("98.7");
    await page.getByRole("textbox", { name: /^Unit/ }).fill("g/L");
    await page.getByLabel(/^Taken at/).fill("2026-11-21T09:30");
    await page.getByRole("button", { name: "Record observation" }).click();
    await page.getByRole("alert").filter({ hasText: "Not saved" }).waitFor();
    await expect(
      page
        .getByText(/wrong check digit/)
        .first()
        .isVisible(),
    ).resolves.toBe(true);

    const refused = await api.get<{ items: unknown[] }>(
      `/api/v1/observations?patientId=${patientId}&code=718-8`,
    );
    expect(refused.items).toHaveLength(0);

    await page.getByRole("textbox", { name: /^LOINC code/ }).fill("718-7");
    // A decimal comma is refused at the field with the fix, and nothing is sent (decision 0023).
    await page.getByRole("textbox", { name: /^Value/ }).fill("98,7");
    await page.getByRole("button", { name: "Record observation" }).click();
    await page
      .getByText(/decimal comma; write 98\.7/)
      .first()
      .waitFor();
    await page.getByRole("textbox", { name: /^Value/ }).fill("98.7");
    await page.getByRole("button", { name: "Record observation" }).click();
    // g/L is converted to haemoglobin's canonical g/dL, and the form says so.
    await page
      .getByRole("status")
      .filter({ hasText: "Observation 718-7 recorded: 98.7 g/L stored as 9.87 g/dL" })
      .waitFor();
    const hb = await api.get<{ items: { valueNumber: number; unit: string }[] }>(
      `/api/v1/observations?patientId=${patientId}&code=718-7&from=2026-11-20T00:00:00Z&to=2026-11-23T00:00:00Z`,
    );
    expect(hb.items.map((o) => [o.valueNumber, o.unit])).toContainEqual([9.87, "g/dL"]);

    await page.getByRole("tab", { name: "Medication" }).click();
    await page.getByRole("textbox", { name: /^Drug/ }).fill("Tocilizumab");
    await page.getByRole("textbox", { name: /^Dose$/ }).fill("560");
    await page.getByRole("textbox", { name: /^Dose unit/ }).fill("mg");
    await page.getByRole("textbox", { name: /^Indication/ }).fill("CRS grade 2");
    await page.getByRole("button", { name: "Record medication" }).click();
    await page.getByRole("status").filter({ hasText: "Tocilizumab recorded" }).waitFor();
    await page.getByRole("cell", { name: "Tocilizumab", exact: true }).first().waitFor();
    const meds = await api.get<{ items: { drug: string; doseValue: number; doseUnit: string }[] }>(
      `/api/v1/medications?patientId=${patientId}&limit=1000`,
    );
    expect(
      meds.items.filter((m) => m.drug === "Tocilizumab").map((m) => [m.doseValue, m.doseUnit]),
    ).toContainEqual([560, "mg"]);
    await context.close();
  }, 120_000);
});
