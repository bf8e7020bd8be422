/**
 * A screenshot of what the user sees (the viewport, scrolled to the top) under SCREENSHOTS.
 * The app shell's header is fixed, so a full-page capture of a long screen shows it half-way down;
 * the viewport is the honest picture of a tablet screen.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { SCREENSHOTS } from "./browser.ts";

export async function viewportShot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.evaluate("window.scrollTo(0, 0)");
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}
