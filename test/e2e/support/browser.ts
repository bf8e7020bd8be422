/**
 * Debian's Chromium driven by playwright-core (docs/decisions/0018-browser-tests.md). We never
 * download a browser: when /usr/bin/chromium is missing the tests fail and say how to install it,
 * rather than skipping and passing green.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/**
 * Where the tests write their screenshots: test-output/screenshots (untracked), so `npm test` never
 * rewrites the tracked pictures in docs/screenshots/. `npm run screenshots` sets
 * V2V_SCREENSHOTS=docs/screenshots to refresh README's pictures on purpose.
 */
export const SCREENSHOTS = resolve(
  import.meta.dirname,
  "../../..",
  process.env.V2V_SCREENSHOTS ?? "test-output/screenshots",
);

/**
 * Chromium features the browser tests run without. Chromium keeps only the last
 * `--disable-features` switch (checked with two switches: only the second one's feature was off),
 * and Playwright passes its own list before ours, so this list starts with Playwright 1.65's
 * (playwright-core's chromiumSwitches). The last two are ours: Debian's Chromium 156 renders the
 * address bar's two popups (WebUI pages) in a renderer of their own for every window, and in
 * headless mode each browser context is a window; no test opens them. Without them 8 contexts cost
 * 9 CPU-seconds instead of 17, and the accessibility file 72 instead of 91 (whole machine,
 * 2026-12-06).
 */
const DISABLED_CHROMIUM_FEATURES = [
  "AvoidUnnecessaryBeforeUnloadCheckSync",
  "DestroyProfileOnBrowserClose",
  "HttpsUpgrades",
  "HttpsFirstBalancedModeAutoEnable",
  "LensOverlay",
  "MediaRouter",
  "PaintHolding",
  "ThirdPartyStoragePartitioning",
  "AvoidCorsURLLoaderRestartOnRedirect",
  "TcpPortRandomizationWin",
  "OptimizationHints",
  "NetworkTimeServiceQuerying",
  "AimEnabled",
  "PreconnectToSearch",
  "WebUIOmniboxPopup",
  "WebUIOmniboxAimPopup",
];

/**
 * The test worker's Chromium. Test files share a worker's modules (vitest's `isolate: false`,
 * decision 0026), so the browser launched for one file is used by the next one the worker runs:
 * each file still works in browser contexts of its own (own cookies, storage and cache), and
 * `releaseBrowser` closes whatever contexts a file left open. Playwright kills the browser when the
 * worker exits. A launch cost about 0.8 CPU-seconds, paid once a file before (2026-12-06).
 */
let workerBrowser: Promise<Browser> | undefined;

export async function launchBrowser(): Promise<Browser> {
  const running = await workerBrowser?.catch(() => undefined);
  if (running?.isConnected()) return running;
  workerBrowser = launchChromium();
  return workerBrowser;
}

/** Closes the contexts a test file opened in the worker's browser, which stays up for the next. */
export async function releaseBrowser(browser: Browser | undefined): Promise<void> {
  if (!browser?.isConnected()) return;
  await Promise.all(browser.contexts().map((context) => context.close()));
}

async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `The browser tests need Debian's Chromium at ${CHROMIUM}: run \`apt-get install -y chromium\` ` +
        "(or set CHROMIUM_PATH). .ci/run installs it when it is missing.",
    );
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      // CI and these machines run as root, where Chromium refuses its sandbox.
      "--no-sandbox",
      `--disable-features=${DISABLED_CHROMIUM_FEATURES.join(",")}`,
      // One renderer process for all of a file's contexts (every page is the same site), which
      // then share its start-up and, presumably, its compiled copy of the app's 1.7 MB of
      // JavaScript. The accessibility and walk-to-infusion files together, run as npm test runs
      // them: 113 -> 91 s of wall time, 214 -> 171 CPU-seconds (two runs each, alternating,
      // 2026-12-06); all browser files 374 -> 365 s (one run each: within the machine's noise).
      "--renderer-process-limit=1",
    ],
  });
}

/** A fresh context (own cookies) sized like a landscape tablet at the bedside. */
export async function newTabletPage(
  browser: Browser,
  baseURL: string,
  options: { now?: Date } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 1280, height: 800 },
    locale: "en-GB",
  });
  // A server whose clock runs ahead (support/server.ts clockOffsetDays): the page's "today" agrees.
  if (options.now) await context.clock.setFixedTime(options.now);
  const page = await context.newPage();
  return { context, page };
}

export async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto("/");
  await page.getByLabel(/^Username/).fill(username);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

/** Logs in and, for a user of several sites, picks `siteCode`. */
export async function logInAt(
  page: Page,
  username: string,
  password: string,
  siteCode = "SZ",
): Promise<void> {
  await logIn(page, username, password);
  const picker = page.getByRole("heading", { name: "Choose a site" });
  const shell = page.getByRole("button", { name: "Log out" });
  await picker.or(shell).first().waitFor();
  if (await picker.isVisible())
    await page.getByRole("button", { name: new RegExp(`^${siteCode} · `) }).click();
  await shell.waitFor();
}

/**
 * Saves a PNG under SCREENSHOTS (README shows the copies in docs/screenshots/): the whole page, or with `height` only the
 * top of it at that window height (for long pages such as a patient's).
 */
export async function screenshot(page: Page, name: string, options: { height?: number } = {}): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const viewport = page.viewportSize();
  if (options.height && viewport)
    await page.setViewportSize({ width: viewport.width, height: options.height });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: !options.height });
  if (options.height && viewport) await page.setViewportSize(viewport);
}

/**
 * Chooses a radio answer of a grading form and returns once it shows as chosen. Playwright's
 * `check()` reads the state once, right after its click; on a loaded machine one click in a CI run
 * (the tenth ICE item, 2026-12-05) left the radio unchecked. The click is repeated, at most three
 * times, until the radio reads as checked, and a radio that never does fails the test.
 */
export async function choose(radio: Locator): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    await radio.click();
    for (let look = 0; look < 10; look++) {
      if (await radio.isChecked()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`${radio} was clicked three times and is still not checked`);
}

/**
 * Follows `page`'s requests and answers whether they have settled: none in flight for 100 ms, and
 * none started while the page's main thread then worked off what the last answers made it do
 * (rendering, then the effects that ask for more). Playwright's `networkidle` waits 500 ms after
 * the last request instead, which was most of a screen's time in the accessibility file (28 waits,
 * 2026-12-06). The quiet time is needed as well as the idle callback: a page can be idle for a
 * moment between an answer's arrival and the code that reads it (test/e2e/request-tracker.test.ts
 * failed once in twelve runs with the idle callback alone).
 */
export function requestTracker(page: Page, quietMs = 100): { settled(): Promise<void> } {
  let inFlight = 0;
  let started = 0;
  let lastChange = performance.now();
  page.on("request", () => {
    inFlight++;
    started++;
    lastChange = performance.now();
  });
  const done = () => {
    inFlight--;
    lastChange = performance.now();
  };
  page.on("requestfinished", done);
  page.on("requestfailed", done);
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
  return {
    async settled() {
      for (;;) {
        while (inFlight > 0 || performance.now() - lastChange < quietMs)
          await pause(Math.max(10, quietMs - (performance.now() - lastChange)));
        const before = started;
        await page.evaluate(
          "new Promise((idle) => requestIdleCallback(() => idle(null), { timeout: 2000 }))",
        );
        if (inFlight === 0 && started === before) return;
      }
    },
  };
}
