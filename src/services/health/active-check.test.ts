import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { healthCheckSchema } from '../../config/http-services.ts';
import { createManualClock, type ManualClock } from '../../lib/manual-clock.ts';
import { createUpstreamPools, defaultTransport, type UpstreamPools } from '../../proxy/upstream-pools.ts';
import { startActiveHealthCheck, type ActiveHealthCheck } from './active-check.ts';
import { createHealthRegistry, type HealthRegistry, type HealthStatus, type ServerHealth } from './server-health.ts';

/** A real server on 127.0.0.1; `status` is what it answers; `held` keeps requests unanswered. */
async function startBackend() {
  const state = {
    status: 200,
    held: false,
    requests: 0,
    waiting: [] as ServerResponse[],
    arrivals: [] as (() => void)[],
  };
  const server = createServer((_req: IncomingMessage, res: ServerResponse) => {
    state.requests++;
    for (const arrived of state.arrivals.splice(0)) arrived();
    if (state.held) state.waiting.push(res);
    else res.writeHead(state.status).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    /** Resolves when the next request arrives. */
    nextRequest: () => new Promise<void>((resolve) => state.arrivals.push(resolve)),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Probe {
  readonly url: string;
  readonly ok: boolean;
  readonly reason: string;
  /** Clock time the probe completed. */
  readonly at: number;
}

interface Harness {
  readonly clock: ManualClock;
  readonly registry: HealthRegistry;
  readonly pools: UpstreamPools;
  readonly health: ServerHealth;
  readonly changes: string[];
  /** Starts a check (a build); the harness stops it at the end. */
  start(config: object, url?: string): ActiveHealthCheck;
  /** The next completed probe, in order. */
  nextProbe(): Promise<Probe>;
  /** Moves the clock and waits for the probe that falls due. */
  advanceToProbe(ms: number): Promise<Probe>;
  dispose(): Promise<void>;
}

function harness(serverUrl: string): Harness {
  const clock = createManualClock();
  const registry = createHealthRegistry(clock);
  const pools = createUpstreamPools();
  const health = registry.acquire('api@file', serverUrl);
  const changes: string[] = [];
  const done: Probe[] = [];
  const waiters: ((p: Probe) => void)[] = [];
  const checks: ActiveHealthCheck[] = [];
  const h: Harness = {
    clock, registry, pools, health, changes,
    start(config, url = serverUrl) {
      const check = startActiveHealthCheck({
        service: 'api@file',
        config: healthCheckSchema.parse(config),
        servers: [{ url, health }],
        transport: defaultTransport,
        pools,
        clock,
        onChange: (u, status: HealthStatus, reason) => changes.push(`${u} ${status} ${reason}`),
        onProbe: (u, ok, reason) => {
          const probe = { url: u, ok, reason, at: clock.now() };
          const waiter = waiters.shift();
          if (waiter) waiter(probe);
          else done.push(probe);
        },
      });
      checks.push(check);
      return check;
    },
    nextProbe() {
      const probe = done.shift();
      return probe ? Promise.resolve(probe) : new Promise((resolve) => waiters.push(resolve));
    },
    advanceToProbe(ms) {
      const next = h.nextProbe();
      clock.advance(ms);
      return next;
    },
    async dispose() {
      for (const check of checks) check.stop();
      await pools.dispose();
    },
  };
  return h;
}

test('with rise and fall 1 (Traefik), one failed probe takes a server DOWN and one success brings it UP', async () => {
  const backend = await startBackend();
  const h = harness(backend.url);
  try {
    h.start({ path: '/health', interval: '10s' });
    backend.state.status = 500;
    assert.deepEqual(await h.advanceToProbe(10_000), {
      url: backend.url, ok: false, reason: `GET ${backend.url}/health: status 500 (expected 200-399)`, at: 10_000,
    });
    assert.equal(h.health.status, 'DOWN');
    assert.equal(h.health.since, 10_000);
    backend.state.status = 200;
    await h.advanceToProbe(10_000);
    assert.equal(h.health.status, 'UP');
    assert.deepEqual(h.changes, [
      `${backend.url} DOWN GET ${backend.url}/health: status 500 (expected 200-399)`,
      `${backend.url} UP GET ${backend.url}/health: status 200`,
    ]);
    assert.deepEqual(h.health.history.map((t) => [t.at, t.status, t.reason]), [
      [10_000, 'DOWN', `GET ${backend.url}/health: status 500 (expected 200-399)`],
      [20_000, 'UP', `GET ${backend.url}/health: status 200`],
    ]);
  } finally {
    await h.dispose();
    await backend.close();
  }
});

test('takes a server DOWN after fall consecutive failures and UP after rise consecutive successes', async () => {
  const backend = await startBackend();
  const h = harness(backend.url);
  try {
    h.start({ path: '/health', interval: '1s', fall: 3, rise: 2 });
    const run = async (status: number, expected: HealthStatus[]) => {
      backend.state.status = status;
      for (const want of expected) {
        await h.advanceToProbe(1000);
        assert.equal(h.health.status, want);
      }
    };
    await run(500, ['UP', 'UP']);
    await run(200, ['UP']); // a success resets the failure count
    await run(500, ['UP', 'UP', 'DOWN']);
    await run(200, ['DOWN']);
    await run(500, ['DOWN']); // a failure resets the success count
    await run(200, ['DOWN', 'UP']);
    assert.deepEqual(h.changes, [
      `${backend.url} DOWN GET ${backend.url}/health: status 500 (expected 200-399) (3 consecutive failures)`,
      `${backend.url} UP GET ${backend.url}/health: status 200 (2 consecutive successes)`,
    ]);
  } finally {
    await h.dispose();
    await backend.close();
  }
});

test('waits one interval before the first probe, as Traefik', async () => {
  const backend = await startBackend();
  const h = harness(backend.url);
  try {
    h.start({ interval: '30s' });
    h.clock.advance(29_999);
    assert.equal(backend.state.requests, 0);
    const probe = await h.advanceToProbe(1);
    assert.equal(probe.at, 30_000);
    assert.equal(probe.reason, `GET ${backend.url}/: status 200`);
    assert.equal(backend.state.requests, 1);
  } finally {
    await h.dispose();
    await backend.close();
  }
});

test('probeAtStart probes a never-probed server at once, then every interval', async () => {
  const backend = await startBackend();
  backend.state.status = 503;
  const h = harness(backend.url);
  try {
    h.start({ path: '/health', interval: '10s', probeAtStart: true });
    const first = await h.nextProbe();
    assert.equal(first.at, 0);
    assert.equal(h.health.status, 'DOWN');
    assert.equal((await h.advanceToProbe(10_000)).at, 10_000);
  } finally {
    await h.dispose();
    await backend.close();
  }
});

test('probes DOWN servers every unhealthyInterval and UP servers every interval', async () => {
  const backend = await startBackend();
  const h = harness(backend.url);
  try {
    h.start({ interval: '30s', unhealthyInterval: '5s' });
    backend.state.status = 500;
    assert.equal((await h.advanceToProbe(30_000)).at, 30_000);
    assert.equal((await h.advanceToProbe(5000)).at, 35_000);
    backend.state.status = 200;
    assert.equal((await h.advanceToProbe(5000)).at, 40_000);
    assert.equal(h.health.status, 'UP');
    h.clock.advance(29_999);
    const probe = await h.advanceToProbe(1);
    assert.equal(probe.at, 70_000);
    assert.equal(backend.state.requests, 4);
  } finally {
    await h.dispose();
    await backend.close();
  }
});

test('a probe that outlives timeout fails as timed out, measured on the clock', async () => {
  const backend = await startBackend();
  backend.state.held = true;
  const h = harness(backend.url);
  try {
    h.start({ path: '/health', interval: '10s', timeout: '2s' });
    const arrived = backend.nextRequest();
    h.clock.advance(10_000);
    await arrived;
    const probe = await h.advanceToProbe(2000);
    assert.deepEqual(probe, { url: backend.url, ok: false, reason: `GET ${backend.url}/health: timed out after 2s`, at: 12_000 });
    assert.equal(h.health.status, 'DOWN');
    // The next probe is due one interval after the last one started, not after it ended.
    assert.equal(h.health.checks.lastProbeAt, 10_000);
    assert.equal(h.clock.pending(), 1);
  } finally {
    await h.dispose();
    await backend.close();
  }
});

test('says connection refused when nothing listens', async () => {
  const backend = await startBackend();
  await backend.close();
  const h = harness(backend.url);
  try {
    h.start({ path: '/health', interval: '10s' });
    assert.equal((await h.advanceToProbe(10_000)).reason, `GET ${backend.url}/health: connection refused`);
    assert.equal(h.health.reason, `GET ${backend.url}/health: connection refused`);
  } finally {
    await h.dispose();
  }
});

test('stop aborts a probe in flight, ignores its result and clears every timer and pool', async () => {
  const backend = await startBackend();
  backend.state.held = true;
  const h = harness(backend.url);
  try {
    const check = h.start({ path: '/health', interval: '10s' });
    assert.equal(h.pools.size, 1);
    const arrived = backend.nextRequest();
    h.clock.advance(10_000);
    await arrived;
    const finished = check.probeAll(); // joins the probe in flight
    check.stop();
    assert.equal(h.clock.pending(), 0);
    assert.equal(h.pools.size, 0);
    await finished;
    assert.equal(h.health.status, 'UP');
    assert.equal(h.health.checks.lastProbeAt, undefined);
    h.clock.advance(60_000);
    assert.equal(h.clock.pending(), 0);
    assert.equal(backend.state.requests, 1);
    check.stop();
  } finally {
    await h.dispose();
    await backend.close();
  }
});

test('a check restarted by reloads keeps each server due at its last probe + interval', async () => {
  const backend = await startBackend();
  const h = harness(backend.url);
  try {
    const config = { path: '/health', interval: '10s' };
    let check = h.start(config);
    // Reloads every 6s would postpone a "now + interval" schedule forever.
    h.clock.advance(6000);
    check.stop();
    check = h.start(config);
    assert.equal((await h.advanceToProbe(4000)).at, 10_000);
    h.clock.advance(6000);
    check.stop();
    check = h.start(config);
    assert.equal((await h.advanceToProbe(4000)).at, 20_000);
    assert.equal(backend.state.requests, 2);
  } finally {
    await h.dispose();
    await backend.close();
  }
});

test('a probe aborted by a reload is made again at once by the new check', async () => {
  const backend = await startBackend();
  backend.state.held = true;
  const h = harness(backend.url);
  try {
    const config = { path: '/health', interval: '10s' };
    const old = h.start(config);
    const arrived = backend.nextRequest();
    h.clock.advance(10_000);
    await arrived;
    h.clock.advance(500);
    backend.state.held = false;
    backend.state.status = 500;
    h.start(config); // overdue: probes now
    old.stop();
    const probe = await h.nextProbe();
    assert.equal(probe.at, 10_500);
    assert.equal(probe.reason, `GET ${backend.url}/health: status 500 (expected 200-399)`);
    assert.equal(h.health.checks.lastProbeAt, 10_500);
  } finally {
    for (const res of backend.state.waiting) res.end();
    await h.dispose();
    await backend.close();
  }
});

test('probeAtStart does not re-probe a server a previous check already probed', async () => {
  const backend = await startBackend();
  const h = harness(backend.url);
  try {
    const config = { interval: '10s', probeAtStart: true };
    const old = h.start(config);
    assert.equal((await h.nextProbe()).at, 0);
    h.clock.advance(3000);
    old.stop();
    h.start(config);
    assert.equal((await h.advanceToProbe(7000)).at, 10_000);
    assert.equal(backend.state.requests, 2);
  } finally {
    await h.dispose();
    await backend.close();
  }
});

test('a status change by another writer moves the server to the other interval, and rise starts over', async () => {
  const backend = await startBackend();
  const h = harness(backend.url);
  try {
    h.start({ interval: '30s', unhealthyInterval: '5s', rise: 2 });
    await h.advanceToProbe(30_000);
    h.clock.advance(1000);
    h.health.set('DOWN', 'passive: 1 failure within 10s');
    assert.equal((await h.advanceToProbe(4000)).at, 35_000);
    assert.equal(h.health.status, 'DOWN');
    assert.equal((await h.advanceToProbe(5000)).at, 40_000);
    assert.equal(h.health.status, 'UP');
    assert.equal(h.health.reason, `GET ${backend.url}/: status 200 (2 consecutive successes)`);
  } finally {
    await h.dispose();
    await backend.close();
  }
});

test('probeAll probes every server now and the schedule continues from there', async () => {
  const backend = await startBackend();
  const h = harness(backend.url);
  try {
    const check = h.start({ interval: '10s' });
    h.clock.advance(4000);
    backend.state.status = 500;
    await check.probeAll();
    assert.equal(h.health.status, 'DOWN');
    assert.equal((await h.nextProbe()).at, 4000);
    assert.equal((await h.advanceToProbe(10_000)).at, 14_000);
  } finally {
    await h.dispose();
    await backend.close();
  }
});

test('mode grpc with a scheme it cannot speak fails every probe with the configuration problem', async () => {
  const h = harness('http://127.0.0.1:1');
  try {
    h.start({ mode: 'grpc', scheme: 'ftp', interval: '10s' });
    assert.deepEqual(await h.advanceToProbe(10_000), {
      url: 'http://127.0.0.1:1', ok: false, reason: 'health check scheme ftp is not http, h2c or https (grpc mode)', at: 10_000,
    });
    assert.equal(h.health.status, 'DOWN');
    assert.equal(h.pools.size, 0);
  } finally {
    await h.dispose();
  }
});

test('an absolute path fails every probe with the configuration problem', async () => {
  const h = harness('http://127.0.0.1:1');
  try {
    h.start({ path: 'http://other/health', interval: '10s' });
    assert.equal((await h.advanceToProbe(10_000)).reason,
      'health check path http://other/health is an absolute URL; expected a path relative to the server URL');
    assert.equal(h.health.status, 'DOWN');
  } finally {
    await h.dispose();
  }
});
