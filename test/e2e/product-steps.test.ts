/**
 * The product's steps refused on screen (issue 11): each refusal shows its rule in plain words and
 * nothing is written. A patient brought to "apheresed" through the API; then, as the coordinator,
 * a collection with a product code that is not an ISBT 128 one (lower case) is refused at the field
 * with what a code looks like, and no unit is recorded; the collection recorded, its shipment dated
 * before its recording is refused with that time on the site's clock (zone named) and the
 * collection stays collected; in Chinese, a shipment sent from a page read before another device
 * shipped it (out of order) is refused with the state the product is now in, and it is not shipped
 * twice. As manufacturing, a final bag with a malformed product code is refused and not created.
 * Axe finds no serious violation on the refusals.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays } from "../../src/domain/calendar.ts";
import { localDate, localDateTime } from "../../src/domain/study-day.ts";
import { type ApiAs, apiAs } from "./support/api-as.ts";
import { seriousAxeViolations } from "./support/axe.ts";
import { launchBrowser, logInAt, newTabletPage, releaseBrowser } from "./support/browser.ts";
import { demoStudyAtShenzhen } from "./support/demo-study.ts";
import { expectStage, journeyPanel } from "./support/journey-steps.ts";
import { expectProductState } from "./support/product-steps.ts";
import { type RunningServer, serverForTests } from "./support/server.ts";

let server: RunningServer;
let browser: Browser;
let coordinator: ApiAs;
let manufacturing: ApiAs;
let patientId: string;
let journeyId: string;
let timeZone: string;

interface Unit {
  id: string;
  kind: string;
  state: string;
  productCode: string;
}

beforeAll(async () => {
  [server, browser] = await Promise.all([serverForTests(), launchBrowser()]);
  coordinator = await apiAs(server.url, "coordinator", "coordinator-demo");
  manufacturing = await apiAs(server.url, "manufacturing", "manufacturing-demo");
  const investigator = await apiAs(server.url, "investigator", "investigator-demo");
  const refEnrolment = await demoStudyAtShenzhen(coordinator);
  const sz = refEnrolment.site;
  timeZone = sz.timeZone;
  const today = localDate(new Date(), timeZone);
  patientId = (
    await investigator.post<{ id: string }>("/api/v1/patients", {
      siteId: sz.id,
      birthYear: 1981,
      sex: "male",
    })
  ).id;
  const enrolment = await investigator.post<{ id: string }>("/api/v1/enrolments", {
    patientId,
    studyId: refEnrolment.studyId,
    armCode: refEnrolment.armCode,
    doseLevelCode: refEnrolment.doseLevelCode,
    consentDate: today,
    consentVersion: "1",
  });
  const product = (
    await coordinator.get<{ items: { id: string }[] }>(`/api/v1/products?studyId=${refEnrolment.studyId}`)
  ).items[0]!;
  const slot = await manufacturing.post<{ id: string }>("/api/v1/manufacturing-slots", {
    carProductId: product.id,
    siteId: sz.id,
    facility: "Refusals cell-processing unit",
    startsOn: addDays(today, 3),
    collectionWindowDays: 3,
    capacity: 1,
  });
  journeyId = (await coordinator.post<{ id: string }>(`/api/v1/enrolments/${enrolment.id}/journey`)).id;
  for (const body of [
    { type: "consult" },
    { type: "sign-consent", scopes: ["trial", "treatment"] },
    { type: "start-screening" },
    { type: "enrol", pathway: "trial", eligibilityConfirmed: true },
    { type: "book-apheresis", manufacturingSlotId: slot.id, apheresisDate: today },
    { type: "record-apheresis" },
  ]) {
    const { version } = await coordinator.get<{ version: number }>(`/api/v1/journeys/${journeyId}`);
    await coordinator.post(`/api/v1/journeys/${journeyId}/events`, { ...body, version });
  }
}, 300_000);

afterAll(async () => {
  await releaseBrowser(browser);
  await server?.stop();
});

const unitsOnJourney = async () =>
  (await coordinator.get<{ items: Unit[] }>(`/api/v1/journeys/${journeyId}/product-units`)).items;

describe("product steps refused on screen, nothing written", () => {
  it("words a malformed product code, a shipment before the collection and a stale shipment by their rules", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
    try {
      await logInAt(page, "coordinator", "coordinator-demo", "SZ");
      await page.goto(`/patients/${patientId}`);
      const panel = journeyPanel(page);
      await expectStage(panel, "apheresed");

      // Lower case is not an ISBT 128 product code: refused at the field, no unit recorded.
      const form = panel.getByRole("form", { name: "Record the collection" });
      const code = form.getByRole("textbox", { name: /^ISBT 128 product code/ });
      await code.fill("s1001v00");
      await form.getByRole("button", { name: "Record the collection" }).click();
      await form.getByRole("alert").waitFor({ timeout: 20_000 });
      expect(await form.textContent()).toContain(
        "An ISBT 128 product code is 5 to 10 capital letters or digits (e.g. S1001V00); nothing was recorded.",
      );
      expect(await code.getAttribute("aria-invalid")).toBe("true");
      expect(await seriousAxeViolations(page)).toEqual([]);
      expect(await unitsOnJourney()).toEqual([]);

      // Corrected, the collection is recorded and linked.
      await code.fill("S1001V00");
      await form.getByRole("button", { name: "Record the collection" }).click();
      await form.waitFor({ state: "detached", timeout: 20_000 });
      await panel.getByRole("link", { name: "Apheresis collection S1001V00" }).click();
      await page.waitForURL(/\/board\/[0-9a-f-]{36}$/);
      const collectionId = page.url().split("/").at(-1)!;
      expect((await unitsOnJourney()).map((u) => [u.id, u.kind, u.state, u.productCode])).toEqual([
        [collectionId, "apheresis", "collected", "S1001V00"],
      ]);

      // Shipped two hours ago, before the collection was recorded: refused by its rule with the
      // recording's time on the site's clock, and the collection stays collected.
      await page.getByRole("button", { name: "Shipped to the manufacturer", exact: true }).click();
      const ship = page.getByRole("form", { name: "Shipped to the manufacturer" });
      const twoHoursAgo = localDateTime(new Date(Date.now() - 2 * 3_600_000), timeZone);
      await ship.getByLabel(`When, ${timeZone} clock (optional)`).fill(twoHoursAgo);
      await ship.getByRole("button", { name: "Record: Shipped to the manufacturer" }).click();
      const refusal = ship.getByRole("alert");
      await refusal.waitFor({ timeout: 20_000 });
      const words = (await refusal.textContent()) ?? "";
      expect(words).toContain("Not recorded; nothing was written");
      expect(words).toMatch(
        new RegExp(
          `“Shipped to the manufacturer” cannot come before the product's previous step: its recording at \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} ${timeZone}\\.`,
        ),
      );
      expect(words).not.toMatch(/\d{2}:\d{2}:\d{2}(\.\d+)?Z/);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await expectProductState(page, "collected");
      expect((await coordinator.get<Unit>(`/api/v1/product-units/${collectionId}`)).state).toBe("collected");

      // In Chinese: the page read, another device ships the collection, then this page's shipment
      // is out of order — refused with the state the product is now in, and not shipped twice.
      await page.getByRole("combobox", { name: "Language" }).selectOption("zh-CN");
      try {
        await page.reload();
        await page.getByRole("button", { name: "已运往生产方", exact: true }).click();
        const zhShip = page.getByRole("form", { name: "已运往生产方" });
        await zhShip.waitFor();
        await coordinator.post(`/api/v1/product-units/${collectionId}/events`, {
          type: "ship-to-manufacturer",
        });
        await zhShip.getByRole("button", { name: "记录：已运往生产方" }).click();
        const zhRefusal = zhShip.getByRole("alert");
        await zhRefusal.waitFor({ timeout: 20_000 });
        expect(await zhRefusal.textContent()).toContain(
          "目前不能记录“已运往生产方”：产品当前状态为“运往生产方途中”。",
        );
        const history = await coordinator.get<{ items: { type: string }[] }>(
          `/api/v1/product-units/${collectionId}/events`,
        );
        expect(history.items.map((e) => e.type)).toEqual(["ship-to-manufacturer"]);
      } finally {
        await page.getByRole("combobox", { name: "语言" }).selectOption("en");
        await page.getByRole("combobox", { name: "Language" }).waitFor();
      }

      // Manufacturing: a final bag whose product code is not one is not created.
      for (const type of ["receive-at-manufacturer", "start-manufacture"])
        await manufacturing.post(`/api/v1/product-units/${collectionId}/events`, { type });
      const mf = await newTabletPage(browser, server.url);
      try {
        await logInAt(mf.page, "manufacturing", "manufacturing-demo", "SZ");
        await mf.page.goto(`/board/${collectionId}`);
        await expectProductState(mf.page, "in manufacture");
        // The collection stays in manufacture: completing it is the bag's step, not offered here.
        expect(
          await mf.page.getByRole("button", { name: "Manufacture completed", exact: true }).count(),
        ).toBe(0);
        const bagForm = mf.page.getByRole("form", { name: "Create the final bag" });
        await bagForm.getByRole("textbox", { name: /^ISBT 128 product code/ }).fill("S-2001");
        await bagForm.getByRole("textbox", { name: /^Post-thaw stability, minutes/ }).fill("90");
        await bagForm.getByRole("button", { name: "Create the final bag" }).click();
        await bagForm.getByRole("alert").waitFor({ timeout: 20_000 });
        expect(await bagForm.textContent()).toContain("An ISBT 128 product code is 5 to 10 capital letters");
        expect(await bagForm.textContent()).toContain("The bag was not created; correct the fields marked.");
        expect(await seriousAxeViolations(mf.page)).toEqual([]);
        expect((await unitsOnJourney()).map((u) => u.kind)).toEqual(["apheresis"]);
      } finally {
        await mf.context.close();
      }
    } finally {
      await context.close();
    }
  }, 300_000);
});
