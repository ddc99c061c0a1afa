// Driving the real workbench in Chromium with playwright-core: the command palette, notifications,
// views, and webview content (reached through iframe.webview.ready, then #active-frame). Used by
// test/e2e/editor.test.ts and bench/editor.bench.ts.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Frame, Page } from 'playwright-core';

export const ARTIFACTS = join(__dirname, '..', '..', '..', 'test-artifacts', 'e2e');

export function chromiumPath(): string {
  return process.env.NETLENS_CHROMIUM ?? '/usr/bin/chromium';
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

export async function openWorkbench(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
  // The status bar appears once the workbench has restored; the extension host starts after.
  await page.waitForSelector('.statusbar', { timeout: 90_000 });
  return page;
}

export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/**
 * Runs a command from the palette by its exact title ("NetLens: Show ResNet-50 graph"). While the
 * workbench is still restoring, a view or a notification can close the palette: retry then.
 */
export async function runCommand(page: Page, title: string, timeout = 90_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 5_000 });
      await input.fill(`>${title}`);
      // Click the row whose label is exactly the title ("Show Model Graph..." also matches
      // "Show Model Graph from File...", which may be listed first as recently used).
      const label = page.locator('.quick-input-list .monaco-list-row .label-name').filter({ hasText: new RegExp(`^${escapeRegExp(title)}$`) });
      await label.first().waitFor({ state: 'visible', timeout: 10_000 });
      await label.first().click();
      return;
    } catch (e) {
      last = e;
    }
  }
  throw new Error(`could not run "${title}" from the palette: ${(last as Error)?.message}`);
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Picks the row of an open quick pick whose label is exactly `label` ("ResNet-50", not "SE-ResNet-50"). */
export async function pickQuickItem(page: Page, label: string, timeout = 30_000): Promise<void> {
  // The list of the previous quick pick may still be in the DOM, hidden: take the visible row.
  const row = page.locator('.quick-input-list .monaco-list-row .label-name')
    .filter({ hasText: new RegExp(`^${escapeRegExp(label)}$`), visible: true }).first();
  await row.waitFor({ state: 'visible', timeout });
  await row.click();
}

/** The innermost frame of the visible webview whose content matches `selector`. */
export async function webviewFrame(page: Page, selector: string, timeout = 90_000): Promise<Frame> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    for (const f of page.frames()) {
      if (f.name() === 'active-frame' || f.url().includes('fake.html') || f.parentFrame()?.url().includes('webview')) {
        try {
          if (await f.locator(selector).count() > 0) return f;
        } catch { /* frame navigated away; try the next */ }
      }
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no webview frame with ${selector} within ${timeout} ms`);
}

/**
 * Texts of all notifications, read from the Notification Center (toasts fade, get clipped and
 * hide, so reading them is a race; the center lists every notification in full).
 */
export async function notifications(page: Page): Promise<string[]> {
  await runCommand(page, 'Notifications: Show Notifications');
  const center = page.locator('.notifications-center');
  await center.waitFor({ state: 'visible', timeout: 10_000 });
  const texts = await center.locator('.notification-list-item-message').allTextContents();
  await page.keyboard.press('Escape');
  return texts;
}

/** Waits until some notification's text matches `pattern`; returns all texts seen last. */
export async function waitForNotification(page: Page, pattern: RegExp, timeout = 60_000): Promise<string[]> {
  const deadline = Date.now() + timeout;
  let texts: string[] = [];
  while (Date.now() < deadline) {
    texts = await notifications(page);
    if (texts.some((t) => pattern.test(t))) return texts;
    await page.waitForTimeout(1000);
  }
  throw new Error(`no notification matching ${pattern} within ${timeout} ms; seen: ${texts.join(' | ')}`);
}
