/**
 * Recording a CRS assessment in the browser: the grade updates live as the form is filled in,
 * and the saved assessment carries the server's grade. Expected grades from the ASTCT 2019 rules
 * (Lee et al. 2019, Table 1; shared/domain/clinical-rules.md §1): fever ≥ 38.0 °C alone is grade
 * 1; with hypotension needing fluids only grade 2; with hypotension needing one vasopressor
 * grade 3 (the more severe of hypotension and hypoxia sets the grade). ICANS from the ten ICE
 * items (Lee 2019, ICANS table; clinical-rules.md §2): ICE 7–9 is grade 1, 3–6 grade 2, so one
 * item more missed at 7/10 moves the grade from 1 to 2.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs } from "./support/api-as.ts";
import { choose, launchBrowser, logInAt, newTabletPage, releaseBrowser } from "./support/browser.ts";
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

const grade = (page: Page) => page.getByTestId("grade-label");
const answer = (page: Page, question: RegExp, yes: boolean) =>
  choose(page.getByRole("radiogroup", { name: question }).getByRole("radio", { name: yes ? "Yes" : "No" }));

describe("CRS grading form", () => {
  it("shows the live grade as the form is filled in and saves the assessment with it", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
    await logInAt(page, "coordinator", "coordinator-demo", "SZ");
    await page.getByRole("link", { name: "Grade", exact: true }).click();
    await page.getByRole("heading", { name: "Grade", exact: true }).waitFor();
    const patientSelect = page.getByRole("combobox", { name: "Patient" });
    const firstPatient = await patientSelect.locator("option").nth(1);
    const subjectCode = (await firstPatient.textContent()) ?? "";
    const patientId = (await firstPatient.getAttribute("value")) ?? "";
    await patientSelect.selectOption(patientId);
    await page.getByRole("combobox", { name: "Form" }).selectOption("crs");
    await page.getByRole("button", { name: "Open the form" }).click();
    await page.getByRole("heading", { name: /Cytokine release syndrome/ }).waitFor();
    await expect(page.getByText("Not gradable yet").isVisible()).resolves.toBe(true);

    await page.getByRole("textbox", { name: /^Highest temperature \(°C\)/ }).fill("38.6");
    await answer(page, /^Fever explained by another cause/, false);
    await answer(page, /^CRS already diagnosed/, false);
    await page.getByRole("combobox", { name: /^Hypotension$/ }).selectOption("NONE");
    await page.getByRole("combobox", { name: /^Oxygen support/ }).selectOption("NONE");
    await answer(page, /^Death due to CRS/, false);
    await grade(page).filter({ hasText: "Grade 1" }).waitFor();

    // Questions that only apply after another answer appear with it, and an answer left behind
    // when the question stops applying is not sent (it was refused by the rule it no longer
    // concerned: fever-masking therapy counted without CRS diagnosed earlier).
    const masking = page.getByRole("radiogroup", { name: /^Antipyretic or anti-cytokine therapy/ });
    const flow = page.getByRole("textbox", { name: /^Oxygen flow/ });
    expect(await masking.count()).toBe(0);
    expect(await flow.count()).toBe(0);
    expect(await page.getByRole("radiogroup", { name: /^Oxygen need explained/ }).count()).toBe(0);
    await answer(page, /^CRS already diagnosed/, true);
    await answer(page, /^Antipyretic or anti-cytokine therapy/, true);
    await answer(page, /^CRS already diagnosed/, false);
    await expect.poll(() => masking.count()).toBe(0);
    await grade(page).filter({ hasText: "Grade 1" }).waitFor();
    await expect(page.getByText(/counts only when given after CRS onset/).count()).resolves.toBe(0);

    // Fluids only: grade 2.
    await page.getByRole("combobox", { name: /^Hypotension$/ }).selectOption("NO_VASOPRESSOR");
    await answer(page, /^Hypotension explained by another cause/, false);
    await grade(page).filter({ hasText: "Grade 2" }).waitFor();

    // One vasopressor: grade 3, with the reason shown.
    await page.getByRole("combobox", { name: /^Hypotension$/ }).selectOption("ONE_VASOPRESSOR");
    await grade(page).filter({ hasText: "Grade 3" }).waitFor();
    await expect(page.getByTestId("live-grade").textContent()).resolves.toMatch(/vasopressor/i);
    await viewportShot(page, "grading-crs");

    await page.getByRole("button", { name: "Save assessment" }).click();
    await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    await expect(page.getByRole("status").filter({ hasText: "Saved" }).textContent()).resolves.toContain(
      `Stored on ${subjectCode}: Grade 3`,
    );

    const api = await apiAs(server.url, "investigator", "investigator-demo");
    const stored = await api.get<{ items: { label: string; inputs: Record<string, unknown> }[] }>(
      `/api/v1/patients/${patientId}/assessments?calculator=crs&limit=1000`,
    );
    const last = stored.items.at(-1);
    expect(last?.label).toBe("Grade 3");
    expect(last?.inputs).toMatchObject({
      tempMaxC: 38.6,
      hypotension: "ONE_VASOPRESSOR",
      oxygenDevice: "NONE",
    });
    await context.close();
  }, 120_000);

  it("ICANS: the ICE items are asked one by one and the grade moves from 1 to 2 at ICE 6/10", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
    await logInAt(page, "investigator", "investigator-demo", "SZ");
    const api = await apiAs(server.url, "investigator", "investigator-demo");
    const sites = await api.get<{ items: { id: string; code: string }[] }>("/api/v1/sites");
    const sz = sites.items.find((x) => x.code === "SZ")!.id;
    const patients = await api.get<{ items: { id: string }[] }>(`/api/v1/patients?siteId=${sz}&limit=1`);
    await page.goto(`/patients/${patients.items[0]!.id}/assess/icans`);
    await page.getByRole("heading", { name: /neurotoxicity syndrome/ }).waitFor();

    await page.getByRole("textbox", { name: /^Age/ }).fill("45");
    for (const [name, value] of [
      [/^Level of consciousness$/, "NORMAL"],
      [/^Seizure$/, "NONE"],
      [/^Motor findings$/, "NONE"],
      [/^Raised intracranial pressure/, "NONE"],
    ] as const)
      await page.getByRole("combobox", { name }).selectOption(value);
    await answer(page, /^Death due to ICANS/, false);
    await answer(page, /^ICE deficit explained by another cause/, false);
    const items = page.getByRole("group", { name: /^ICE items/ });
    const questions = [
      /^Orientation: states the year/,
      /^Orientation: states the month/,
      /^Orientation: states the city/,
      /^Orientation: states the hospital/,
      /^Naming: first object/,
      /^Naming: second object/,
      /^Naming: third object/,
      /^Follows simple commands/,
      /^Writes a standard sentence/,
      /^Attention: counts back/,
    ];
    for (const [i, q] of questions.entries())
      await choose(
        items.getByRole("radiogroup", { name: q }).getByRole("radio", { name: i < 7 ? "Yes" : "No" }),
      );
    await grade(page).filter({ hasText: "Grade 1" }).waitFor();
    await expect(page.getByTestId("live-grade").textContent()).resolves.toContain("ICE 7/10");

    await choose(
      items.getByRole("radiogroup", { name: /^Naming: third object/ }).getByRole("radio", { name: "No" }),
    );
    await grade(page).filter({ hasText: "Grade 2" }).waitFor();
    await expect(page.getByTestId("live-grade").textContent()).resolves.toContain("ICE 6/10");
    await context.close();
  }, 120_000);
});

describe("count-unit warnings in the grading form (issue 10)", () => {
  it("CAR-HEMATOTOX with counts typed in × 10³/µL: graded as entered, the warnings shown above the grade", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
    await logInAt(page, "investigator", "investigator-demo", "SZ");
    const api = await apiAs(server.url, "investigator", "investigator-demo");
    const sites = await api.get<{ items: { id: string; code: string }[] }>("/api/v1/sites");
    const sz = sites.items.find((x) => x.code === "SZ")!.id;
    const patients = await api.get<{ items: { id: string }[] }>(`/api/v1/patients?siteId=${sz}&limit=1`);
    await page.goto(`/patients/${patients.items[0]!.id}/assess/car-hematotox`);
    await page.getByRole("heading", { name: /HEMATOTOX/i }).waitFor();

    await page.getByRole("textbox", { name: /^Platelet count/ }).fill("180");
    await page.getByRole("textbox", { name: /^Absolute neutrophil count/ }).fill("1.5");
    await page.getByRole("textbox", { name: /^Haemoglobin/ }).fill("11");
    await page.getByRole("textbox", { name: /^CRP \(mg\/dL\)/ }).fill("1");
    await page.getByRole("textbox", { name: /^Ferritin/ }).fill("300");
    await page.getByRole("combobox", { name: /^Disease treated/ }).selectOption("LBCL");
    await grade(page).waitFor();
    const warnings = page.getByTestId("grade-warnings");
    await warnings.waitFor();
    await expect(warnings.textContent()).resolves.toMatch(/Check these values.*enter 180,000.*enter 1,500/s);

    // Typed in cells/µL, the warnings go.
    await page.getByRole("textbox", { name: /^Platelet count/ }).fill("180000");
    await page.getByRole("textbox", { name: /^Absolute neutrophil count/ }).fill("1500");
    await warnings.waitFor({ state: "detached" });
    await context.close();
  }, 120_000);
});
