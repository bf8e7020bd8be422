/**
 * Issue 11, in the browser: every screen has no serious or critical axe-core violation (WCAG 2.x A
 * and AA rules, contrast among them), and on a phone (390 × 844) no screen is wider than the window
 * and "Log out" stays on screen. Pages are those the other browser tests visit, reached as the roles
 * that use them (the bedside page needs a thawed bag and is not among them). SZ-0001's page shows
 * her story at a glance (milestones in a strip and on the charts); a lymphoma-only patient gets no
 * empty lupus charts.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs } from "./support/api-as.ts";
import { seriousAxeViolations } from "./support/axe.ts";
import { launchBrowser, logInAt, releaseBrowser, requestTracker } from "./support/browser.ts";
import { type RunningServer, serverForTests } from "./support/server.ts";

let server: RunningServer;
let browser: Browser;
let pages: { who: "investigator" | "monitor"; path: string }[];
let reference: string;
let lymphomaOnly: string;

beforeAll(async () => {
  [server, browser] = await Promise.all([serverForTests(), launchBrowser()]);
  const api = await apiAs(server.url, "investigator", "investigator-demo");
  const sites = await api.get<{ items: { id: string; code: string }[] }>("/api/v1/sites");
  const sz = sites.items.find((s) => s.code === "SZ")!.id;
  const patients = await api.get<{ items: { id: string; subjectCode: string }[] }>(
    `/api/v1/patients?siteId=${sz}&limit=500`,
  );
  reference = patients.items.find((p) => p.subjectCode === "SZ-0001")!.id;
  // A treated patient with no lupus markers at all (lymphoma only).
  for (const p of patients.items) {
    const course = await api.get<{ course: { charts: Record<string, unknown[]> } | null }>(
      `/api/v1/patients/${p.id}/course`,
    );
    const charts = course.course?.charts;
    if (
      charts &&
      charts.copies!.length > 0 &&
      charts.antiDsDna!.length === 0 &&
      charts.complement!.length === 0
    ) {
      lymphomaOnly = p.id;
      break;
    }
  }
  const units = await api.get<{ items: { id: string; kind: string }[] }>(
    `/api/v1/product-board?siteId=${sz}&scope=all&find=SZ-0001`,
  );
  const bag = units.items.find((u) => u.kind === "final-product")!.id;
  pages = [
    { who: "investigator", path: "/" },
    { who: "investigator", path: "/patients" },
    { who: "investigator", path: `/patients/${reference}` },
    { who: "investigator", path: "/worklist" },
    { who: "investigator", path: "/grade" },
    { who: "investigator", path: `/patients/${reference}/assess/crs` },
    { who: "investigator", path: "/entry" },
    { who: "investigator", path: `/entry/${reference}/visits` },
    { who: "investigator", path: "/cohorts" },
    { who: "investigator", path: "/board" },
    { who: "investigator", path: `/board/${bag}` },
    { who: "investigator", path: "/tokens" },
    { who: "monitor", path: "/audit" },
  ];
}, 300_000);

afterAll(async () => {
  await releaseBrowser(browser);
  await server?.stop();
});

const PASSWORD = { investigator: "investigator-demo", monitor: "monitor-demo" } as const;

/** Opens `path` and waits until its heading is up and the API answers have arrived. */
async function open({ page, requests }: Session, path: string) {
  await page.goto(path);
  await page.getByRole("heading", { level: 1 }).first().waitFor();
  await requests.settled();
  // Loaders replaced by content: no "Loading" status left.
  await expect.poll(() => page.getByLabel("Loading").count(), { timeout: 20_000 }).toBe(0);
}

interface Session {
  context: BrowserContext;
  page: Page;
  requests: ReturnType<typeof requestTracker>;
}

async function session(
  who: "investigator" | "monitor",
  viewport: { width: number; height: number },
): Promise<Session> {
  const context = await browser.newContext({ baseURL: server.url, viewport, locale: "en-GB" });
  const page = await context.newPage();
  const requests = requestTracker(page);
  await logInAt(page, who, PASSWORD[who], "SZ");
  return { context, page, requests };
}

describe("accessibility (axe-core)", () => {
  it("the login page has no serious or critical violation", async () => {
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto("/");
    await page.getByRole("button", { name: "Log in" }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    // The check itself: light grey text on white (1.6:1) is reported, so an empty list means something.
    await page.evaluate(
      "document.body.insertAdjacentHTML('beforeend', '<p style=\"color:#cccccc;background:#ffffff\">faint</p>')",
    );
    expect((await seriousAxeViolations(page)).map((v) => v.rule)).toContain("color-contrast");
    await context.close();
  }, 60_000);

  it("every screen has no serious or critical violation", async () => {
    const found: Record<string, unknown> = {};
    for (const who of ["investigator", "monitor"] as const) {
      const tab = await session(who, { width: 1280, height: 800 });
      const { context, page } = tab;
      for (const p of pages.filter((x) => x.who === who)) {
        await open(tab, p.path);
        const problems = await seriousAxeViolations(page);
        if (problems.length) found[p.path] = problems;
      }
      await context.close();
    }
    expect(found).toEqual({});
  }, 300_000);
});

describe("on a phone (390 × 844)", () => {
  it("no screen is wider than the window and Log out stays on screen", async () => {
    const wide: Record<string, unknown> = {};
    for (const who of ["investigator", "monitor"] as const) {
      const tab = await session(who, { width: 390, height: 844 });
      const { context, page } = tab;
      for (const p of pages.filter((x) => x.who === who)) {
        await open(tab, p.path);
        const size = await page.evaluate<{ scrollWidth: number; innerWidth: number }>(
          "({ scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth })",
        );
        const logOut = await page.getByRole("button", { name: "Log out" }).boundingBox();
        const logOutOnScreen = !!logOut && logOut.x >= 0 && logOut.x + logOut.width <= size.innerWidth;
        if (size.scrollWidth > size.innerWidth || !logOutOnScreen) wide[p.path] = { ...size, logOut };
      }
      await context.close();
    }
    expect(wide).toEqual({});
  }, 300_000);
});

describe("the story at a glance", () => {
  it("SZ-0001's page lists her milestones in order and marks them on the charts", async () => {
    const tab = await session("investigator", { width: 1280, height: 800 });
    const { context, page } = tab;
    await open(tab, `/patients/${reference}`);
    const strip = page.getByRole("region", { name: "Milestones" });
    const items = (await strip.getByRole("listitem").allTextContents()).map((t) => t.replace(/\s+/g, " "));
    // Derived from her record (docs/clinical: Lugano 2014 CMR at day 30; walking unaided about two
    // months after infusion; anti-dsDNA negative at month 6; drug-free DORIS remission at month 9).
    expect(items.map((t) => t.split(" ")[0])).toEqual(["D0", "D30", "D60", "D182", "D274"]);
    expect(items.join(" | ")).toMatch(
      /Infusion.*\| D30 Complete response.*\| D60 Walks unaided.*\| D182 Anti-dsDNA negative.*\| D274 Drug-free remission/,
    );
    // The charts carry the same moments as short marks (SVG text of the reference lines).
    await expect.poll(() => page.locator("svg text", { hasText: /^CR$/ }).count()).toBeGreaterThan(0);
    await context.close();
  }, 120_000);

  it("a lymphoma-only patient gets no empty lupus charts", async () => {
    expect(lymphomaOnly).toBeTruthy();
    const tab = await session("investigator", { width: 1280, height: 800 });
    const { context, page } = tab;
    await open(tab, `/patients/${lymphomaOnly}`);
    await page.getByText("CAR-T copies").first().waitFor();
    expect(await page.getByText("Anti-dsDNA", { exact: true }).count()).toBe(0);
    expect(await page.getByText("Complement C3 and C4").count()).toBe(0);
    await context.close();
  }, 120_000);
});
