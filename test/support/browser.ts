/**
 * Test support: headless Chromium (Debian's `chromium` package, which .ci/run installs) driven
 * by playwright-core, and a recorder of what a page did wrong: console errors, uncaught
 * exceptions, failed requests and requests that left the page's origin.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** The browser binary: `CHROMIUM_PATH`, else Debian's. */
export const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Why browser tests cannot run here, or undefined when they can. */
export function browserSkipReason(): string | undefined {
  return existsSync(chromiumPath)
    ? undefined
    : `no Chromium at ${chromiumPath}: install Debian's chromium package (.ci/run does) or set CHROMIUM_PATH`;
}

/** Launches headless Chromium with nothing that talks to the network on its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-default-apps',
      '--disable-extensions',
      '--disable-sync',
      '--no-first-run',
      '--metrics-recording-only',
    ],
  });
}

/** What a page did that a clean page never does. */
export interface PageProblems {
  readonly consoleErrors: string[];
  readonly pageErrors: string[];
  readonly failedRequests: string[];
  /** Requests to any origin but `origin` (fonts, CDNs, telemetry). */
  readonly foreignRequests: string[];
}

/** Records the problems of `page` from now on; `origin` is the only origin it may talk to. */
export function recordProblems(page: Page, origin: string): PageProblems {
  const problems: PageProblems = { consoleErrors: [], pageErrors: [], failedRequests: [], foreignRequests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') problems.consoleErrors.push(`${message.text()} at ${message.location().url}`);
  });
  page.on('pageerror', (error) => problems.pageErrors.push(error.stack ?? error.message));
  page.on('request', (request) => {
    const url = request.url();
    if (url.startsWith('data:') || url === 'about:blank') return;
    if (new URL(url).origin !== origin) problems.foreignRequests.push(url);
  });
  page.on('requestfailed', (request) => {
    // A stream or fetch the page itself ended on navigation is not a failure of the server.
    const reason = request.failure()?.errorText ?? '';
    if (reason === 'net::ERR_ABORTED') return;
    problems.failedRequests.push(`${request.method()} ${request.url()}: ${reason}`);
  });
  return problems;
}
