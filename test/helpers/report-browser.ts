/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, where `document` exists.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { locateChromium } from '../../src/report/locate-chromium.ts';
import { PROJECT_ROOT } from './run-cli.ts';

/** Debian's chromium (or MOTIONFUSE_CHROMIUM), or why there is none: the browser tests then skip, saying so. */
export async function chromiumOrReason(): Promise<{ path: string } | { reason: string }> {
  try {
    return { path: (await locateChromium()).path };
  } catch (err) {
    return { reason: err instanceof Error ? err.message : String(err) };
  }
}

export interface BrowserCheck {
  plotted: number;
  plots: number;
  /** Plots with a drawn plotly SVG inside. */
  drawn: number;
  errors: string[];
  dialogs: string[];
  screenshot: string;
  /** Runs `fn` in the page and returns its result (before the browser closes). */
  probe: unknown;
}

/**
 * Opens an HTML report in headless Chromium driven by playwright-core, waits until its figures
 * are drawn, collects console errors, page errors and dialogs, and saves a full-page screenshot
 * under results/screenshots/ (git-ignored) for a person to look at.
 */
export async function openReport(
  executablePath: string,
  file: string,
  name: string,
  probe: () => unknown = () => null,
): Promise<BrowserCheck> {
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    const dialogs: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    // No network: a report that reached for one would show here as a failed request.
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
    await page.route(/^https?:/, (route) => {
      errors.push(`network request: ${route.request().url()}`);
      return route.abort();
    });
    await page.goto(`file://${file}`);
    await page.waitForFunction(() => document.body.dataset['plotted'] !== undefined, null, { timeout: 60_000 });
    const plotted = Number(await page.evaluate(() => document.body.dataset['plotted']));
    const plots = await page.locator('.plot').count();
    const drawn = await page.locator('.plot:has(svg.main-svg)').count();
    const dir = join(PROJECT_ROOT, 'results', 'screenshots');
    mkdirSync(dir, { recursive: true });
    const screenshot = join(dir, `${name}.png`);
    await page.screenshot({ path: screenshot, fullPage: true });
    return { plotted, plots, drawn, errors, dialogs, screenshot, probe: await page.evaluate(probe) };
  } finally {
    await browser.close();
  }
}
