/**
 * The dashboard's files (web/ at the project root: plain ES modules, no bundler), served by
 * `dashboard@internal` and by `api@internal` under `<basePath>/dashboard/`, as Traefik serves
 * its web UI. Files are read once when the handler is created: the request path does no I/O,
 * and only files that exist below the root can ever be sent.
 *
 * Every file carries a strong ETag (revalidated with `If-None-Match`) and a strict
 * Content-Security-Policy: the dashboard loads nothing from anywhere but its own origin, and
 * the only inline script allowed is the import map, by its hash.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { getHeader, sendText, writeHeadThroughHooks, type Exchange, type Handler } from '../lib/exchange.ts';

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

/** Every file below `root` by URL path (`/index.html`, `/app/main.js`). */
function loadAssets(root: string): Map<string, Asset> {
  const out = new Map<string, Asset>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() || (entry.isSymbolicLink() && statSync(full).isFile())) {
        const type = contentTypes[extname(entry.name).toLowerCase()];
        // Build-time files stay private: type declarations (.d.ts has .ts) and tsconfig.json,
        // which the checkJs type-check reads but the browser never needs.
        if (type === undefined || entry.name === 'tsconfig.json') continue;
        const body = readFileSync(full);
        const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
        out.set(`/${relative(root, full).split(sep).join('/')}`, { body, type, etag });
      }
    }
  };
  walk(root);
  return out;
}

/**
 * CSP hashes of the inline scripts of the HTML files (the import map: browsers cannot load
 * one from a file), so that `script-src` can stay `'self'` plus exactly these.
 */
export function inlineScriptHashes(html: string): string[] {
  const out: string[] = [];
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    if (/\bsrc\s*=/i.test(match[1]!)) continue;
    out.push(`'sha256-${createHash('sha256').update(match[2]!, 'utf8').digest('base64')}'`);
  }
  return out;
}

/** The Content-Security-Policy of the dashboard: its own origin only, no inline code but the hashed scripts. */
export function dashboardPolicy(scriptHashes: readonly string[]): string {
  return [
    "default-src 'self'",
    `script-src 'self'${scriptHashes.map((h) => ` ${h}`).join('')}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** Whether `If-None-Match` names `etag` (a list, `*`, or weak forms: RFC 9110 §13.1.2 weak comparison). */
function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

export interface DashboardAssetsOptions {
  /** The folder holding index.html and the modules. */
  readonly root: string;
  /**
   * The path prefix in front of the files (`/dashboard` for api@internal, '' for
   * dashboard@internal behind Traefik's strip-prefix middleware). A request for the bare
   * prefix is redirected to `<prefix>/` so that relative module URLs resolve.
   */
  readonly prefix: string;
}

/** Creates the handler that serves the dashboard's files. */
export function createDashboardAssets(options: DashboardAssetsOptions): Handler {
  const assets = loadAssets(options.root);
  const hashes = new Set<string>();
  for (const asset of assets.values()) {
    if (asset.type.startsWith('text/html')) for (const h of inlineScriptHashes(asset.body.toString('utf8'))) hashes.add(h);
  }
  const policy = dashboardPolicy([...hashes].sort());
  const securityHeaders = [
    'Cache-Control', 'no-cache',
    'X-Content-Type-Options', 'nosniff',
    'Content-Security-Policy', policy,
    'X-Frame-Options', 'DENY',
    'Referrer-Policy', 'no-referrer',
    'Cross-Origin-Opener-Policy', 'same-origin',
    'Cross-Origin-Resource-Policy', 'same-origin',
  ];
  return (exchange: Exchange) => {
    const { method, path } = exchange.request;
    if (method !== 'GET' && method !== 'HEAD') {
      sendText(exchange, 405, '');
      return;
    }
    let rest = path.slice(options.prefix.length);
    if (rest === '') {
      writeHeadThroughHooks(exchange, 301, ['Location', `${path}/`, 'Content-Length', '0']);
      exchange.response.end();
      return;
    }
    if (rest.endsWith('/')) rest += 'index.html';
    const asset = assets.get(rest);
    if (asset === undefined) {
      sendText(exchange, 404, '404 page not found\n');
      return;
    }
    if (notModified(getHeader(exchange.request.headers, 'if-none-match'), asset.etag)) {
      writeHeadThroughHooks(exchange, 304, ['ETag', asset.etag, ...securityHeaders]);
      exchange.response.end();
      return;
    }
    writeHeadThroughHooks(exchange, 200, [
      'Content-Type', asset.type,
      'Content-Length', String(asset.body.length),
      'ETag', asset.etag,
      ...securityHeaders,
    ]);
    if (method !== 'HEAD') exchange.response.write(asset.body);
    exchange.response.end();
  };
}
