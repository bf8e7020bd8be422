/**
 * The dashboard and the reference case's patient page in the real browser: her timeline from the
 * lupus and the lymphoma in 2019 to the infusion, the charts around day 0, and identity shown only
 * to roles that may read it.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, logInAt, newTabletPage, releaseBrowser, screenshot } from "./support/browser.ts";
import { type RunningServer, serverForTests } from "./support/server.ts";

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser(); // first: without Chromium, fail at once with the install hint
  server = await serverForTests();
}, 300_000);

afterAll(async () => {
  await releaseBrowser(browser);
  await server?.stop();
});

async function openPatient(page: Page, subjectCode: string) {
  await page.getByRole("link", { name: "Patients" }).click();
  await page.getByRole("link", { name: subjectCode, exact: true }).click();
  await page.getByRole("heading", { level: 1, name: subjectCode }).waitFor();
}

describe("dashboard and patient page", { timeout: 120_000 }, () => {
  it("the dashboard shows the site's program", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
    await logInAt(page, "coordinator", "coordinator-demo");
    await page.getByRole("heading", { name: "Program dashboard — SZ" }).waitFor();
    for (const panel of ["Patients by journey stage", "Visits this week", "Recent infusions"])
      await page.getByRole("region", { name: panel }).waitFor();
    // The demo's SZ patients are all past their infusion: the recent-infusions table has rows.
    const infusions = page.getByRole("region", { name: "Recent infusions" }).getByRole("row");
    expect(await infusions.count()).toBeGreaterThan(1);
    await screenshot(page, "dashboard");
    await context.close();
  });

  it("an investigator opens SZ-0001: identity, her timeline from lymphoma to infusion, and the charts", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
    await logInAt(page, "investigator", "investigator-demo", "SZ");
    await openPatient(page, "SZ-0001");
    await expect(page.getByTestId("identity").textContent()).resolves.toContain("Xu Lanying");

    const timeline = page.getByTestId("timeline");
    const lymphomaItem = timeline
      .locator(".mantine-Timeline-item")
      .filter({ has: page.getByText("Diffuse large B-cell lymphoma", { exact: true }) })
      .first();
    await expect(lymphomaItem.textContent()).resolves.toContain("2019-06-01");
    const infusion = timeline.locator(".mantine-Timeline-item", { hasText: "infusion" }).first();
    await expect(infusion.textContent()).resolves.toMatch(/2019-09-16.*D0/);

    // Each chart draws its series and marks day 0; CAR-T copies are on a log scale (ticks 10ⁿ).
    for (const title of [
      "CAR-T copies",
      "CD19+ B cells",
      "Anti-dsDNA",
      "Complement C3 and C4",
      "Blood counts",
    ]) {
      const chart = page.getByRole("figure", { name: title });
      await chart.locator(".recharts-line path.recharts-curve").first().waitFor();
      await chart.getByText("Day 0").waitFor();
    }
    const copies = page.getByRole("figure", { name: "CAR-T copies" });
    await copies.getByText("10⁵").waitFor();
    const steroids = page.getByRole("figure", { name: "Glucocorticoid dose" });
    expect(await steroids.locator(".recharts-bar-rectangle").count()).toBeGreaterThan(0);

    const assessments = page.getByRole("region", { name: "Assessments" });
    await assessments.getByText("CMR (complete metabolic response)").first().waitFor();
    await assessments
      .getByText(/Fever: highest temperature 38\.6 °C/)
      .first()
      .waitFor();
    // Her one adverse event, as recorded: grade 1 CRS, days 1–4, definitely related, recovered.
    const adverse = page.getByRole("region", { name: "Adverse events" });
    const cells = (await adverse.locator("tbody tr").first().locator("td").allTextContents()).map((c) =>
      c.trim(),
    );
    expect(cells).toEqual([
      "Cytokine release syndrome",
      "1",
      "2019-09-17 – 2019-09-20",
      "definite",
      "no",
      "recovered",
      "Correct", // the link to correct it (screens/adverse-events)
    ]);
    expect(await adverse.locator("tbody tr").count()).toBe(1);
    await screenshot(page, "patient", { height: 1250 });
    await context.close();
  });

  it("a monitor sees SZ-0001 by subject code only", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
    await logInAt(page, "monitor", "monitor-demo", "SZ");
    await openPatient(page, "SZ-0001");
    const header = await page.getByTestId("identity").textContent();
    expect(header).toContain("identity not shown for your role");
    expect(await page.getByText("Xu", { exact: false }).count()).toBe(0);
    // And the API agrees: the monitor's session may not read identity at all.
    const id = page.url().split("/patients/")[1];
    expect((await page.request.get(`/api/v1/patients/${id}/identity`)).status()).toBe(403);
    await context.close();
  });
});
