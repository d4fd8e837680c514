/**
 * The dashboard's files (web/ at the project root: plain ES modules, no bundler), served by
 * `dashboard@internal` and by `api@internal` under `<basePath>/dashboard/`, as Traefik serves
 * its web UI. Files are read once when the handler is created: the request path does no I/O,
 * and only files that exist below the root can ever be sent.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { sendText, writeHeadThroughHooks, type Exchange, type Handler } from '../lib/exchange.ts';

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

interface Asset {
  readonly body: Buffer;
  readonly type: string;
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
        if (type === undefined) continue; // sources of types only (.d.ts has .ts) and the like stay private
        out.set(`/${relative(root, full).split(sep).join('/')}`, { body: readFileSync(full), type });
      }
    }
  };
  walk(root);
  return out;
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
    writeHeadThroughHooks(exchange, 200, [
      'Content-Type', asset.type,
      'Content-Length', String(asset.body.length),
      'Cache-Control', 'no-cache',
      'X-Content-Type-Options', 'nosniff',
    ]);
    if (method !== 'HEAD') exchange.response.write(asset.body);
    exchange.response.end();
  };
}
