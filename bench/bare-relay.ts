/**
 * The bare relay: the least a `node:http` server plus an undici `Pool` can do as a proxy —
 * round robin, hop-by-hop headers dropped, nothing else (no routing, no middlewares, no
 * forwarded headers, no metrics). It is the baseline Switchyard's first engine is compared to:
 * what Switchyard costs on top of its own building blocks.
 *
 * Usage: node bench/bare-relay.ts <port> <server-url> [<server-url> …]
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { Pool } from 'undici';

const [portArg, ...serverUrls] = process.argv.slice(2);
if (portArg === undefined || serverUrls.length === 0) {
  process.stderr.write('usage: node bench/bare-relay.ts <port> <server-url> [<server-url> …]\n');
  process.exit(2);
}
const pools = serverUrls.map((url) => new Pool(url, { keepAliveTimeout: 75_000 }));
let next = 0;

// RFC 9110 §7.6.1: connection-specific headers are not forwarded; node:http frames the body.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);
function endToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

createServer((req, res) => {
  const pool = pools[next++ % pools.length]!;
  const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  const options = { path: req.url ?? '/', method: req.method ?? 'GET', headers: endToEnd(req.headers), body: hasBody ? req : null };
  let answered = false; // headersSent stays false after writeHead until the first byte goes out
  pool
    .stream(options, ({ statusCode, headers }) => {
      answered = true;
      return res.writeHead(statusCode, endToEnd(headers));
    })
    .catch(() => {
      if (answered) res.destroy();
      else res.writeHead(502).end();
    });
}).listen({ port: Number(portArg), host: '127.0.0.1', backlog: 4096 });
