import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { healthCheckSchema } from '../../config/http-services.ts';
import { createUpstreamPools, defaultTransport } from '../../proxy/upstream-pools.ts';
import { resolveProbeTarget, sendHttpProbe, type ProbeOutcome, type ProbeTarget } from './http-probe.ts';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
}

/** A real server on 127.0.0.1 that records what it was sent. */
async function startBackend(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Probes `serverUrl` once with `config` as a user writes it. */
async function probeOnce(serverUrl: string, config: object, signal = new AbortController().signal): Promise<ProbeOutcome> {
  const parsed = healthCheckSchema.parse(config);
  const target = resolveProbeTarget(serverUrl, parsed) as ProbeTarget;
  const pools = createUpstreamPools();
  const pool = pools.acquire(target.origin, defaultTransport);
  try {
    return await sendHttpProbe({ target, pool, config: parsed, pools, transport: defaultTransport, signal });
  } finally {
    pools.release(target.origin, defaultTransport);
    assert.equal(pools.size, 0);
    await pools.dispose();
  }
}

test('resolves path as a reference relative to the server URL, then scheme and port overrides', () => {
  const server = 'http://10.0.0.1:8080/api/v1';
  const cases: { config: object; href: string; origin: string }[] = [
    { config: {}, href: 'http://10.0.0.1:8080/api/v1', origin: 'http://10.0.0.1:8080' },
    { config: { path: '/health' }, href: 'http://10.0.0.1:8080/health', origin: 'http://10.0.0.1:8080' },
    { config: { path: 'health' }, href: 'http://10.0.0.1:8080/api/health', origin: 'http://10.0.0.1:8080' },
    { config: { path: '/health?full=1&x=y' }, href: 'http://10.0.0.1:8080/health?full=1&x=y', origin: 'http://10.0.0.1:8080' },
    { config: { path: '/health', scheme: 'https' }, href: 'https://10.0.0.1:8080/health', origin: 'https://10.0.0.1:8080' },
    { config: { path: '/health', port: 9000 }, href: 'http://10.0.0.1:9000/health', origin: 'http://10.0.0.1:9000' },
  ];
  for (const c of cases) {
    const target = resolveProbeTarget(server, healthCheckSchema.parse(c.config));
    assert.notEqual(typeof target, 'string', JSON.stringify(c.config));
    const { url, origin } = target as ProbeTarget;
    assert.equal(url.href, c.href, JSON.stringify(c.config));
    assert.equal(origin, c.origin, JSON.stringify(c.config));
  }
  const https = resolveProbeTarget('http://a.example', healthCheckSchema.parse({ scheme: 'https', path: '/health' })) as ProbeTarget;
  assert.equal(https.origin, 'https://a.example:443');
});

test('refuses an absolute path and a scheme other than http, https or h2c', () => {
  assert.equal(
    resolveProbeTarget('http://10.0.0.1', healthCheckSchema.parse({ path: 'http://other/health' })),
    'health check path http://other/health is an absolute URL; expected a path relative to the server URL',
  );
  assert.equal(
    resolveProbeTarget('http://10.0.0.1', healthCheckSchema.parse({ scheme: 'ftp' })),
    'health check scheme ftp is not http, https or h2c',
  );
});

test('an h2c server, or the h2c scheme, is probed over cleartext HTTP/2', () => {
  const own = resolveProbeTarget('h2c://10.0.0.1:50051/api', healthCheckSchema.parse({ path: '/health' })) as ProbeTarget;
  assert.equal(own.url.href, 'h2c://10.0.0.1:50051/health');
  assert.equal(own.origin, 'h2c://10.0.0.1:50051');
  const forced = resolveProbeTarget('http://10.0.0.1', healthCheckSchema.parse({ path: '/health', scheme: 'h2c' })) as ProbeTarget;
  assert.equal(forced.origin, 'h2c://10.0.0.1:80');
});

test('sends the method, path and query, Host and headers the configuration names', async () => {
  const backend = await startBackend((_req, res) => res.end('ok'));
  try {
    const outcome = await probeOnce(`${backend.url}/app`, {
      path: '/health?deep=1', method: 'HEAD', hostname: 'health.example', headers: { 'X-Probe': 'switchyard', Host: 'ignored' },
    });
    assert.deepEqual(outcome, { ok: true, reason: `HEAD ${backend.url}/health?deep=1: status 200` });
    assert.equal(backend.seen.length, 1);
    const [seen] = backend.seen;
    assert.equal(seen!.method, 'HEAD');
    assert.equal(seen!.url, '/health?deep=1');
    assert.equal(seen!.headers.host, 'health.example');
    assert.equal(seen!.headers['x-probe'], 'switchyard');
  } finally {
    await backend.close();
  }
});

test('sends the server authority as Host when no hostname is configured', async () => {
  const backend = await startBackend((_req, res) => res.end());
  try {
    await probeOnce(backend.url, { path: '/health' });
    assert.equal(backend.seen[0]!.headers.host, `127.0.0.1:${backend.port}`);
    assert.equal(backend.seen[0]!.method, 'GET');
  } finally {
    await backend.close();
  }
});

test('the default status rule accepts 200-399; a configured status must match exactly', async () => {
  let status = 200;
  const backend = await startBackend((_req, res) => {
    res.statusCode = status;
    res.end();
  });
  const cases: { config: object; status: number; ok: boolean; reason: string }[] = [
    { config: {}, status: 200, ok: true, reason: 'status 200' },
    { config: {}, status: 204, ok: true, reason: 'status 204' },
    { config: { followRedirects: false }, status: 399, ok: true, reason: 'status 399' },
    { config: {}, status: 400, ok: false, reason: 'status 400 (expected 200-399)' },
    { config: {}, status: 500, ok: false, reason: 'status 500 (expected 200-399)' },
    { config: { status: 204 }, status: 204, ok: true, reason: 'status 204' },
    { config: { status: 204 }, status: 200, ok: false, reason: 'status 200 (expected 204)' },
    { config: { status: 503 }, status: 503, ok: true, reason: 'status 503' },
  ];
  try {
    for (const c of cases) {
      status = c.status;
      const outcome = await probeOnce(backend.url, { ...c.config, path: '/health' });
      assert.deepEqual(outcome, { ok: c.ok, reason: `GET ${backend.url}/health: ${c.reason}` }, JSON.stringify(c));
    }
  } finally {
    await backend.close();
  }
});

test('follows redirects by default, reporting where the probe ended', async () => {
  const backend = await startBackend((req, res) => {
    if (req.url === '/health') {
      res.writeHead(302, { location: '/ready' }).end();
    } else {
      res.writeHead(500).end();
    }
  });
  try {
    const outcome = await probeOnce(backend.url, { path: '/health', hostname: 'health.example' });
    assert.deepEqual(outcome, {
      ok: false,
      reason: `GET ${backend.url}/health (redirected to ${backend.url}/ready): status 500 (expected 200-399)`,
    });
    assert.deepEqual(backend.seen.map((s) => [s.url, s.headers.host]), [['/health', 'health.example'], ['/ready', 'health.example']]);
  } finally {
    await backend.close();
  }
});

test('with followRedirects false, a 3xx is the final status', async () => {
  const backend = await startBackend((_req, res) => res.writeHead(301, { location: '/elsewhere' }).end());
  try {
    assert.deepEqual(await probeOnce(backend.url, { path: '/health', followRedirects: false }), {
      ok: true, reason: `GET ${backend.url}/health: status 301`,
    });
    assert.deepEqual(await probeOnce(backend.url, { path: '/health', followRedirects: false, status: 200 }), {
      ok: false, reason: `GET ${backend.url}/health: status 301 (expected 200)`,
    });
    assert.equal(backend.seen.length, 2);
  } finally {
    await backend.close();
  }
});

test('a 3xx without Location is final even when following redirects', async () => {
  const backend = await startBackend((_req, res) => res.writeHead(302).end());
  try {
    assert.deepEqual(await probeOnce(backend.url, { path: '/health', status: 302 }), { ok: true, reason: `GET ${backend.url}/health: status 302` });
  } finally {
    await backend.close();
  }
});

test('303 turns POST into GET, 307 keeps it; an absolute Location drops a custom Host', async () => {
  let origin = '';
  const backend = await startBackend((req, res) => {
    if (req.url === '/see-other') res.writeHead(303, { location: '/temporary' }).end();
    else if (req.url === '/temporary') res.writeHead(307, { location: `${origin}/done` }).end();
    else res.end();
  });
  origin = backend.url;
  try {
    const outcome = await probeOnce(backend.url, { path: '/see-other', method: 'POST', hostname: 'health.example' });
    assert.equal(outcome.ok, true);
    assert.deepEqual(backend.seen.map((s) => [s.method, s.url, s.headers.host]), [
      ['POST', '/see-other', 'health.example'],
      ['GET', '/temporary', 'health.example'],
      ['GET', '/done', `127.0.0.1:${backend.port}`],
    ]);
    backend.seen.length = 0;
    await probeOnce(backend.url, { path: '/temporary', method: 'POST' });
    assert.deepEqual(backend.seen.map((s) => [s.method, s.url]), [['POST', '/temporary'], ['POST', '/done']]);
  } finally {
    await backend.close();
  }
});

test('follows a redirect to another origin with the same transport and releases its pool', async () => {
  const other = await startBackend((_req, res) => res.end());
  const backend = await startBackend((_req, res) => res.writeHead(302, { location: `${other.url}/elsewhere` }).end());
  try {
    // probeOnce asserts that every pool was released.
    assert.deepEqual(await probeOnce(backend.url, { path: '/health' }), {
      ok: true, reason: `GET ${backend.url}/health (redirected to ${other.url}/elsewhere): status 200`,
    });
    assert.deepEqual(other.seen.map((s) => s.url), ['/elsewhere']);
  } finally {
    await backend.close();
    await other.close();
  }
});

test('gives up when the 10th response is still a redirect, as Go clients do', async () => {
  let chain = 0;
  const backend = await startBackend((req, res) => {
    const n = Number(req.url!.slice(1));
    if (n < chain) res.writeHead(302, { location: `/${n + 1}` }).end();
    else res.end();
  });
  try {
    chain = 9;
    assert.deepEqual(await probeOnce(backend.url, { path: '/0' }), {
      ok: true, reason: `GET ${backend.url}/0 (redirected to ${backend.url}/9): status 200`,
    });
    chain = 10;
    assert.deepEqual(await probeOnce(backend.url, { path: '/0' }), {
      ok: false, reason: `GET ${backend.url}/0 (redirected to ${backend.url}/9): stopped after 10 redirects`,
    });
  } finally {
    await backend.close();
  }
});

test('says connection refused when nothing listens', async () => {
  const backend = await startBackend(() => undefined);
  const url = backend.url;
  await backend.close();
  assert.deepEqual(await probeOnce(url, { path: '/health' }), { ok: false, reason: `GET ${url}/health: connection refused` });
});

test('an abort ends the probe with the abort reason as the wording', async () => {
  const controller = new AbortController();
  const backend = await startBackend(() => controller.abort(new Error('timed out after 5s')));
  try {
    assert.deepEqual(await probeOnce(backend.url, { path: '/health' }, controller.signal), {
      ok: false, reason: `GET ${backend.url}/health: timed out after 5s`,
    });
  } finally {
    await backend.close();
  }
});
