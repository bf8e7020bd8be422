/**
 * Cohort outcomes in the browser: the page shows the program the API returns (22 infused demo
 * patients), draws a Kaplan–Meier curve per group with its risk table and one swimmer lane per
 * patient, and the cohort lives in the address: a filter applied in the form changes the link,
 * and opening a link shows that cohort.
 */
import { readFileSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs } from "./support/api-as.ts";
import { launchBrowser, logInAt, newTabletPage, releaseBrowser, SCREENSHOTS } from "./support/browser.ts";
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

describe("cohort outcomes", () => {
  it("shows the program's curves, swimmer lanes and tables as the API returns them", async () => {
    const api = await apiAs(server.url, "investigator", "investigator-demo");
    const whole = await api.get<{
      patients: unknown[];
      summary: {
        swimmer: unknown[];
        infections: { rows: { key: string; window: string; episodes: number; followed: number }[] };
      };
    }>("/api/v1/cohorts/outcomes");
    expect(whole.patients).toHaveLength(22);

    const { context, page } = await newTabletPage(browser, server.url);
    await logInAt(page, "investigator", "investigator-demo", "SZ");
    await page.getByRole("link", { name: "Cohort outcomes" }).click();
    await page.getByTestId("cohort-heading").waitFor();
    expect(await page.getByTestId("cohort-heading").textContent()).toMatch(
      /^22 infused patients · every infused patient/,
    );
    // One step curve per indication in the overall-survival plot, and its numbers at risk at 0 months.
    const os = page.getByRole("img", { name: /^Overall survival: Kaplan–Meier/ });
    await os.locator("path.recharts-curve").first().waitFor();
    expect(await os.locator("path.recharts-curve").count()).toBe(4);
    const atRisk = page.getByRole("table", { name: "Overall survival: numbers at risk" });
    expect(await atRisk.locator("tbody tr td:first-of-type").allTextContents()).toEqual(["6", "4", "3", "9"]);
    const incidence = page.getByRole("img", { name: /cumulative incidence$/ });
    await incidence.locator("path.recharts-curve").first().waitFor();
    expect(await incidence.locator("path.recharts-curve").count()).toBe(2);
    const waterfall = page.getByRole("img", { name: /^Waterfall: best SLEDAI-2K/ });
    await waterfall.locator(".recharts-bar-rectangle").first().waitFor();
    expect(await waterfall.locator(".recharts-bar-rectangle").count()).toBe(11);
    const tumour = page.getByRole("img", { name: /^Waterfall: best SPD/ });
    await tumour.locator(".recharts-bar-rectangle").first().waitFor();
    expect(await tumour.locator(".recharts-bar-rectangle").count()).toBe(7);
    const correlations = page.getByRole("table", { name: /rank correlation$/ });
    expect(await correlations.locator("tbody tr").count()).toBe(8);
    const products = page.getByRole("table", { name: "Product against outcome" });
    expect(await products.locator("tbody tr").count()).toBe(22);
    const scatter = page.getByRole("img", { name: /^CAR-T peak against CAR\+ cells/ });
    await scatter.locator(".recharts-scatter-symbol").first().waitFor();
    // 21 with a peak on record: WH-0005 is five days after her infusion, before her first CAR-T sample.
    expect(await scatter.locator(".recharts-scatter-symbol").count()).toBe(21);
    const lanes = page.getByRole("img", { name: /^Swimmer plot/ }).locator("rect");
    expect(await lanes.count()).toBe(22);
    const response = page.getByRole("table", { name: "Best overall response" });
    expect(await response.locator("tbody tr").first().textContent()).toContain("8/9");
    // The infection table draws the API's rows: all patients, days 0–28 first.
    const early = whole.summary.infections.rows.find((r) => r.key === "all" && r.window === "days 0–28")!;
    const infections = page.getByRole("table", { name: "Infections by window after infusion" });
    const firstRow = (await infections.locator("tbody tr").first().locator("td").allTextContents()).map((c) =>
      c.trim(),
    );
    expect(firstRow[0]).toBe("days 0–28");
    expect(firstRow[1]).toBe(String(early.followed));
    expect(firstRow[4]).toBe(String(early.episodes));
    expect(await infections.locator("tbody tr").count()).toBe(whole.summary.infections.rows.length);
    await viewportShot(page, "cohort-outcomes");
    // A window tall enough for the whole page: scrolled, the fixed header would cover a panel's top.
    await page.setViewportSize({ width: 1280, height: 3200 });
    await page
      .getByRole("region", { name: "Overall survival" })
      .screenshot({ path: `${SCREENSHOTS}/cohort-km.png` });
    await page
      .getByRole("region", { name: "Swimmer plot" })
      .screenshot({ path: `${SCREENSHOTS}/cohort-swimmer.png` });
    await page
      .getByRole("region", { name: /^Waterfall: best tumour SPD/ })
      .screenshot({ path: `${SCREENSHOTS}/cohort-waterfall-spd.png` });
    await context.close();
  }, 120_000);

  it("keeps the cohort in the address: the form writes the link, and a link opens its cohort", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
    await logInAt(page, "investigator", "investigator-demo", "SZ");
    await page.goto(`${server.url}/cohorts?indication=lymphoma`);
    await page.getByTestId("cohort-heading").waitFor();
    expect(await page.getByTestId("cohort-heading").textContent()).toMatch(
      /^6 infused patients · indication lymphoma/,
    );

    await page
      .getByRole("textbox", { name: "Split by" })
      .or(page.getByRole("combobox", { name: "Split by" }))
      .first()
      .click();
    await page.getByRole("option", { name: "Dose level" }).click();
    await page.getByRole("button", { name: "Show" }).click();
    await expect
      .poll(() => new URL(page.url()).search, { timeout: 15_000 })
      .toBe("?indication=lymphoma&groupBy=doseLevel");
    const atRisk = page.getByRole("table", { name: "Overall survival: numbers at risk" });
    await expect
      .poll(() => atRisk.locator("tbody th").allTextContents(), { timeout: 15_000 })
      .toEqual(["DL1", "DL2"]);

    // Saved under a name, it is offered to everyone and opens its link.
    await page.getByRole("textbox", { name: "Save this cohort as" }).fill("Lymphoma by dose level (e2e)");
    await page.getByRole("button", { name: "Save" }).click();
    await page.goto(`${server.url}/cohorts`);
    await page.getByTestId("cohort-heading").waitFor();
    await page
      .getByRole("textbox", { name: "Saved cohort" })
      .or(page.getByRole("combobox", { name: "Saved cohort" }))
      .first()
      .click();
    await page.getByRole("option", { name: /^Lymphoma by dose level \(e2e\)/ }).click();
    await expect
      .poll(() => new URL(page.url()).search, { timeout: 15_000 })
      .toBe("?indication=lymphoma&groupBy=doseLevel");
    await expect
      .poll(() => page.getByTestId("cohort-heading").textContent(), { timeout: 15_000 })
      .toMatch(/^6 infused patients/);

    await page.goto(`${server.url}/cohorts?indication=leukaemia`);
    const problem = page.getByRole("alert").filter({ hasText: "Could not load" });
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/indication/i);
    expect(await page.getByTestId("cohort-heading").count()).toBe(0);
    await context.close();
  }, 120_000);

  it("downloads each chart as SVG, as a PNG twice its screen size, and its data as CSV", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
    await logInAt(page, "investigator", "investigator-demo", "SZ");
    await page.goto(`${server.url}/cohorts`);
    const os = page.getByRole("region", { name: "Overall survival" });
    await os.locator("path.recharts-curve").first().waitFor();
    const saved = async (button: string) => {
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        os.getByRole("button", { name: button }).click(),
      ]);
      return { name: download.suggestedFilename(), bytes: readFileSync((await download.path())!) };
    };
    // The chart's drawing is its largest SVG (the legend's icons are small ones).
    const box = await os
      .getByRole("img", { name: /Kaplan–Meier curves by group$/ })
      .evaluate(
        (el) =>
          [...el.querySelectorAll("svg")]
            .map((s) => s.getBoundingClientRect())
            .sort((a, b) => b.width * b.height - a.width * a.height)[0]!,
      );

    const png = await saved("Download PNG");
    expect(png.name).toBe("overall-survival.png");
    expect(png.bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // IHDR: width and height, big-endian, at bytes 16 and 20.
    expect(png.bytes.readUInt32BE(16)).toBe(Math.round(box.width * 2));
    expect(png.bytes.readUInt32BE(20)).toBe(Math.round(box.height * 2));
    // Drawn, not blank: a white canvas compresses to almost nothing.
    expect(png.bytes.length).toBeGreaterThan(10_000);

    const svg = await saved("Download SVG");
    expect(svg.name).toBe("overall-survival.svg");
    const xml = svg.bytes.toString("utf8");
    expect(xml).toMatch(/^<svg[^>]* xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(xml).toContain(`width="${Math.round(box.width)}"`);
    expect((xml.match(/recharts-curve/g) ?? []).length).toBeGreaterThanOrEqual(4);
    // The legend, HTML on screen, is drawn into the file.
    expect(xml).toMatch(/<text[^>]*>B-cell lymphoma \(n=6\)<\/text>/);

    const csv = await saved("Download CSV");
    const api = await apiAs(server.url, "investigator", "investigator-demo");
    const whole = await api.get<{
      summary: { survival: { endpoint: string; groups: { curve: unknown[] }[] }[] };
    }>("/api/v1/cohorts/outcomes");
    const overall = whole.summary.survival.find((a) => a.endpoint === "overall-survival")!;
    const lines = csv.bytes.toString("utf8").split("\r\n");
    expect(lines[0]).toBe("group,months,survival,lower,upper,at_risk,events,censored");
    expect(lines.length - 1).toBe(overall.groups.reduce((n, g) => n + g.curve.length, 0));

    // The waterfall and both product scatter plots have their own downloads.
    for (const name of [/^Waterfall/, "Product against outcome"])
      expect(
        await page.getByRole("region", { name }).getByRole("button", { name: "Download PNG" }).count(),
      ).toBeGreaterThanOrEqual(1);
    expect(
      await page
        .getByRole("region", { name: "Product against outcome" })
        .getByRole("button", { name: "Download PNG" })
        .count(),
    ).toBe(2);
    await context.close();
  }, 120_000);

  it("reads in Chinese: headings, tables, charts' labels and the cohort form", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
    await logInAt(page, "investigator", "investigator-demo", "SZ");
    await page.getByRole("combobox", { name: "Language" }).selectOption("zh-CN");
    await page.goto(`${server.url}/cohorts?indication=lymphoma`);
    await page.getByRole("heading", { name: "队列疗效", exact: true }).waitFor();
    await expect
      .poll(() => page.getByTestId("cohort-heading").textContent(), { timeout: 15_000 })
      .toMatch(/^输注患者 6 例 · /);
    await page.getByRole("region", { name: "总生存" }).waitFor();
    await page.getByRole("table", { name: "总生存：风险人数" }).waitFor();
    await page.getByRole("columnheader", { name: "风险人数" }).first().waitFor();
    await page.getByRole("table", { name: "CRS 按最高级别" }).waitFor();
    await page.getByRole("form", { name: "队列定义" }).waitFor();
    await page.getByRole("button", { name: "下载 PNG" }).first().waitFor();
    const main = (await page.locator("#main").textContent()) ?? "";
    for (const english of [
      "Overall survival",
      "At risk",
      "Download PNG",
      "Split by",
      "Product attribute",
      "Swimmer plot",
    ])
      expect(main).not.toContain(english);
    await page.getByRole("combobox", { name: "语言" }).selectOption("en");
    await page.getByRole("heading", { name: "Cohort outcomes", exact: true }).waitFor();
    await context.close();
  }, 120_000);
});
