/**
 * The product page collects the signed decisions on a bag on the device (21 CFR Part 11,
 * docs/decisions/0022): QA's release of a bag whose QC results are in, and the exception to use an
 * out-of-specification bag, signed by an investigator and by quality, two different people, and QA's
 * decision on a quarantined bag. A
 * refused signature says why in plain words and writes nothing; a signed decision shows who
 * signed, when (site time, zone named) and what it meant, checked against the signed record.
 * Setup through the HTTP API: two demo bags waiting for QC (the cell lab completes one still being
 * made if need be) get their results.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { passingResults } from "../support/qc-results.ts";
import { type ApiAs, apiAs } from "./support/api-as.ts";
import { launchBrowser, logInAt, newTabletPage, screenshot } from "./support/browser.ts";
import { type RunningServer, startServer } from "./support/server.ts";

let server: RunningServer;
let browser: Browser;
let quality: ApiAs;
let toRelease: string;
let outOfSpec: string;
let releaseSite: string;
let oosSite: string;

interface Unit {
  id: string;
  kind: string;
  state: string;
}
interface Release {
  releaseState: string;
  decisions: unknown[];
}
interface Signatures {
  items: {
    recordKind: string;
    printedName: string;
    meaning: string;
    signerUsername: string;
    valid: boolean;
  }[];
}

/** Passing QC results an hour old, with the viability given (60 % fails the specification). */
const qcResults = (viability: number) =>
  passingResults(5e8, new Date(Date.now() - 3_600_000).toISOString()).map((r) =>
    r.attribute === "viability" ? { ...r, valueNumber: viability } : r,
  );

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  quality = await apiAs(server.url, "quality", "quality-demo");
  // Bags waiting for QC, or still being made (the cell lab then completes them), at either site.
  const manufacturing = await apiAs(server.url, "manufacturing", "manufacturing-demo");
  const sites = await quality.get<{ items: { id: string; code: string }[] }>("/api/v1/sites");
  const waiting: { id: string; site: string }[] = [];
  const inManufacture: { id: string; site: string }[] = [];
  for (const site of sites.items) {
    const board = await quality.get<{ items: Unit[] }>(`/api/v1/product-board?siteId=${site.id}&scope=open`);
    for (const u of board.items) {
      if (u.kind !== "final-product") continue;
      if (u.state === "qc-pending") waiting.push({ id: u.id, site: site.code });
      if (u.state === "in-manufacture") inManufacture.push({ id: u.id, site: site.code });
    }
  }
  for (const bag of inManufacture.slice(0, Math.max(0, 2 - waiting.length))) {
    await manufacturing.post(`/api/v1/product-units/${bag.id}/events`, { type: "complete-manufacture" });
    waiting.push(bag);
  }
  if (waiting.length < 2)
    throw new Error(`the demo has ${waiting.length} bag(s) waiting for QC; this test needs two`);
  [toRelease, outOfSpec] = [waiting[0]!.id, waiting[1]!.id];
  [releaseSite, oosSite] = [waiting[0]!.site, waiting[1]!.site];
  await quality.post(`/api/v1/product-units/${toRelease}/qc-results`, { results: qcResults(92) });
  // viability 60 % is below every specification's minimum: the bag is declared out of specification
  await quality.post(`/api/v1/product-units/${outOfSpec}/qc-results`, { results: qcResults(60) });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const release = (id: string) => quality.get<Release>(`/api/v1/product-units/${id}/release`);
const signatures = (id: string) => quality.get<Signatures>(`/api/v1/product-units/${id}/signatures`);

/** A whole-page screenshot from the top (scrolled, the sticky header would land mid-page). */
async function shot(page: Page, name: string) {
  await page.evaluate("window.scrollTo(0, 0)");
  await screenshot(page, name);
}

async function openProduct(username: string, password: string, id: string, site: string): Promise<Page> {
  const { page } = await newTabletPage(browser, server.url);
  await logInAt(page, username, password, site);
  await page.goto(`/board/${id}`);
  await page.getByRole("heading", { name: "Signatures", exact: true }).waitFor();
  return page;
}

describe("QA release on the product page", () => {
  it("shows the bag awaiting QA release, refuses a wrong password and writes nothing, then releases with the signature", async () => {
    expect((await release(toRelease)).releaseState).toBe("awaiting-qa-release");
    const page = await openProduct("quality", "quality-demo", toRelease, releaseSite);
    await page.getByRole("status").filter({ hasText: "QC complete, awaiting QA release" }).waitFor();
    const form = page.getByRole("form", { name: "Release (QA signature)" });
    expect(await form.getByLabel("Quality: username").inputValue()).toBe("quality");
    await shot(page, "release-awaiting-qa");

    await form.getByLabel("Quality: password").fill("not-my-password");
    await form.getByRole("button", { name: "Sign and release" }).click();
    await form.getByRole("alert").filter({ hasText: "Not signed; nothing was written" }).waitFor();
    expect((await release(toRelease)).releaseState).toBe("awaiting-qa-release");
    expect((await signatures(toRelease)).items).toEqual([]);

    await form.getByLabel("Quality: password").fill("quality-demo");
    await form.getByRole("button", { name: "Sign and release" }).click();
    await page.getByRole("status").filter({ hasText: "Released by QA (signed)" }).waitFor();
    const row = page.getByRole("row").filter({ hasText: "QA release" });
    await row.filter({ hasText: "released" }).waitFor();
    await row.filter({ hasText: "verifies" }).waitFor();
    expect(await row.textContent()).toMatch(
      /\(quality\).*released.*\d{4}-\d{2}-\d{2} \d{2}:\d{2} Asia\/Shanghai/,
    );
    expect(await page.getByRole("form", { name: "Release (QA signature)" }).count()).toBe(0);
    await shot(page, "release-signed");
    const signed = (await signatures(toRelease)).items;
    expect(signed.map((s) => [s.recordKind, s.signerUsername, s.meaning, s.valid])).toEqual([
      ["product-release", "quality", "released", true],
    ]);
    await page.context().close();
  });

  it("is not offered to a role that may not release (an investigator)", async () => {
    const page = await openProduct("investigator", "investigator-demo", toRelease, releaseSite);
    expect(await page.getByRole("form", { name: "Release (QA signature)" }).count()).toBe(0);
    expect(await page.getByRole("form", { name: /out-of-specification/ }).count()).toBe(0);
    await page.context().close();
  });
});

describe("the OOS exception on the product page: two signatures, two people", () => {
  it("refuses the investigator signing as QA too, writing nothing, then takes both signatures", async () => {
    expect((await release(outOfSpec)).releaseState).toBe("out-of-specification");
    const page = await openProduct("investigator", "investigator-demo", outOfSpec, oosSite);
    const form = page.getByRole("form", { name: /out-of-specification/ });
    await form
      .getByLabel("Rationale and risk assessment")
      .fill(
        "Viability 60 % against a minimum of 70 %; no other product can be made in time; the patient's haematologist accepts the risk.",
      );
    await form.getByLabel("Investigator: password").fill("investigator-demo");
    await form.getByLabel("Quality (QA): username").fill("investigator");
    await form.getByLabel("Quality (QA): password").fill("investigator-demo");
    await form.getByRole("button", { name: "Sign the exception" }).click();
    await form.getByRole("alert").filter({ hasText: "Not signed; nothing was written" }).waitFor();
    expect((await signatures(outOfSpec)).items).toEqual([]);

    await form.getByLabel("Quality (QA): username").fill("quality");
    await form.getByLabel("Quality (QA): password").fill("quality-demo");
    await form.getByRole("button", { name: "Sign the exception" }).click();
    const rows = page.getByRole("row").filter({ hasText: "OOS exception" });
    await rows.nth(1).waitFor();
    await page.getByRole("status").filter({ hasText: "Exception approved with two signatures" }).waitFor();
    expect(await page.getByRole("form", { name: /out-of-specification/ }).count()).toBe(0);
    await shot(page, "oos-two-signatures");
    const signed = (await signatures(outOfSpec)).items;
    expect(signed.map((s) => [s.recordKind, s.signerUsername, s.meaning, s.valid]).sort()).toEqual([
      ["oos-exception", "investigator", "approved deviation", true],
      ["oos-exception", "quality", "approved deviation", true],
    ]);
    await page.context().close();
  });
});

describe("QA's quarantine decision on the product page", () => {
  it("a quarantined bag is released back by quality's signed decision, shown with its meaning", async () => {
    // The bag QA released above is shipped, and quarantined in transit (e.g. a shipper alarm).
    const manufacturing = await apiAs(server.url, "manufacturing", "manufacturing-demo");
    await manufacturing.post(`/api/v1/product-units/${toRelease}/events`, { type: "ship-to-site" });
    await manufacturing.post(`/api/v1/product-units/${toRelease}/events`, {
      type: "quarantine",
      reason: "Shipper alarm on arrival; logger data to be reviewed",
    });
    const page = await openProduct("quality", "quality-demo", toRelease, releaseSite);
    const form = page.getByRole("form", { name: "Quarantine decision (QA signature)" });
    await form.getByText('Signing means "released from quarantine".').waitFor();
    await form.getByLabel("Reason").fill("Logger data reviewed: no excursion; alarm was a sensor fault");
    await form.getByLabel("Quality: password").fill("quality-demo");
    await form.getByRole("button", { name: "Sign the decision" }).click();
    const row = page.getByRole("row").filter({ hasText: "Quarantine decision" });
    await row.filter({ hasText: "released from quarantine" }).waitFor();
    expect(await page.getByRole("form", { name: "Quarantine decision (QA signature)" }).count()).toBe(0);
    const unit = await quality.get<{ state: string }>(`/api/v1/product-units/${toRelease}`);
    expect(unit.state).toBe("in-transit-to-site"); // back where it was quarantined from
    const signed = (await signatures(toRelease)).items.filter((x) => x.recordKind === "quarantine-decision");
    expect(signed.map((x) => [x.signerUsername, x.meaning, x.valid])).toEqual([
      ["quality", "released from quarantine", true],
    ]);
    await page.context().close();
  });
});
