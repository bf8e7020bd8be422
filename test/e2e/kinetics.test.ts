/**
 * The kinetics research model on the reference case's page in the browser: SZ-0001's measured
 * CAR-T cells, B cells, IgG and anti-dsDNA with the fitted curves and bands, the label that it is a
 * research model, and a what-if switch (BCMA only) that adds that strategy's curves and outcomes.
 * Writes docs/screenshots/kinetics.png.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, logInAt, newTabletPage, releaseBrowser, SCREENSHOTS } from "./support/browser.ts";
import { type RunningServer, serverForTests } from "./support/server.ts";

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
  server = await serverForTests();
}, 300_000);

afterAll(async () => {
  await releaseBrowser(browser);
  await server?.stop();
});

describe("kinetics research model on the patient page", () => {
  it("fits SZ-0001, draws her data with the fitted curves, and switches a what-if", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
    await logInAt(page, "investigator", "investigator-demo", "SZ");
    await page.getByRole("link", { name: "Patients" }).click();
    await page.getByRole("link", { name: "SZ-0001", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "SZ-0001" }).waitFor();

    const section = page.getByRole("region", { name: "Kinetics (research model)" });
    await section.getByRole("button", { name: "Fit the model" }).click();
    await section.getByText("Research model — not a treatment recommendation").waitFor();
    const car = section.getByRole("figure", { name: "CAR-T cells (cells/µL)" });
    await car.locator(".recharts-area").first().waitFor({ timeout: 60_000 });
    // Ten quantified CAR-T levels (days 1–182) and one below the limit (day 274).
    expect(await car.locator(".recharts-scatter").first().locator(".recharts-symbols").count()).toBe(10);
    expect(await car.locator(".recharts-scatter").nth(1).locator(".recharts-symbols").count()).toBe(1);
    for (const title of ["CD19+ B cells (cells/µL)", "IgG (g/L)", "Anti-dsDNA (IU/mL)"])
      await section.getByRole("figure", { name: title }).locator(".recharts-line").first().waitFor();
    // Her lymphoma from imaging: the PET-CT complete metabolic responses of days 30 and 182, both
    // below the imaging limit (open squares), under the model's tumour curve.
    const tumour = section.getByRole("figure", { name: "Lymphoma burden (imaging) (× burden at infusion)" });
    await tumour.locator(".recharts-line").first().waitFor();
    expect(await tumour.locator(".recharts-scatter .recharts-symbols").count()).toBe(2);
    const outcomes = section.getByRole("table", { name: "Predicted outcomes per strategy" });
    expect(await outcomes.locator("thead th").allTextContents()).toEqual([
      "Outcome — median (90% band)",
      "As given",
    ]);
    await expect(section.getByRole("table", { name: "Fitted parameters" }).textContent()).resolves.toContain(
      "rho",
    );

    // What if her cells had recognised BCMA only: a second curve and outcome column.
    await section.getByText("BCMA only", { exact: true }).click();
    await outcomes.locator("thead th", { hasText: "BCMA CAR only" }).waitFor({ timeout: 60_000 });
    const b = section.getByRole("figure", { name: "CD19+ B cells (cells/µL)" });
    await b.locator(".recharts-legend-item", { hasText: "BCMA CAR only" }).waitFor();
    // BCMA only spares the B cells: no aplasia in the model.
    const aplasia = outcomes.locator("tbody tr", { hasText: "B-cell aplasia (days)" });
    expect(await aplasia.locator("td").nth(2).textContent()).toBe("never");

    await page.setViewportSize({ width: 1280, height: 1700 });
    await page.mouse.move(1270, 10); // no tooltip left over a chart from the last click
    await section.screenshot({ path: `${SCREENSHOTS}/kinetics.png` });
    await context.close();
  }, 180_000);

  it("reads in Chinese, with the research-model warning as prominent as in English", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
    await logInAt(page, "investigator", "investigator-demo", "SZ");
    await page.getByRole("combobox", { name: "Language" }).selectOption("zh-CN");
    try {
      await page.goto("/patients");
      await page.getByRole("link", { name: "SZ-0001", exact: true }).click();
      const section = page.getByRole("region", { name: "细胞动力学（研究模型）" });
      await section.getByRole("button", { name: "拟合模型" }).click();
      // The warning is the alert's title, in Chinese words a haematologist reads.
      await section.getByRole("alert").filter({ hasText: "研究模型，非治疗建议" }).waitFor();
      await section
        .getByRole("figure", { name: "CAR-T 细胞 (cells/µL)" })
        .locator(".recharts-line")
        .first()
        .waitFor();
      const outcomes = section.getByRole("table", { name: "各方案的预测结局" });
      await expect(outcomes.locator("thead th").nth(1).textContent()).resolves.toBe("实际输注");
      await outcomes.locator("tbody tr", { hasText: "B 细胞缺乏持续时间（天）" }).waitFor();
    } finally {
      await page.getByRole("combobox", { name: "语言" }).selectOption("en");
      await page.getByRole("combobox", { name: "Language" }).waitFor();
      await context.close();
    }
  }, 180_000);
});
