/**
 * End to end: SIGTERM with a slow request in flight. /ping turns to the terminating status at
 * once, the slow request completes, then the process exits 0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import { request } from 'undici';
import { connectTcp, endsWith, startTcpServer } from './support/l4-servers.ts';
import { catchAllTo, listenOnLoopback, startWithDynamic, staticConfig } from './support/switchyard-process.ts';

test('SIGTERM: ping answers 503, the in-flight request finishes, then the process exits', async () => {
  let held: ServerResponse | null = null;
  let arrived: () => void = () => {};
  const arrivedP = new Promise<void>((r) => { arrived = r; });
  const server = createServer((_req, res) => { held = res; arrived(); });
  const port = await listenOnLoopback(server);
  // Both entry points keep accepting for a while after SIGTERM, so the ping stays reachable and
  // answers the terminating status (as a Kubernetes readiness probe would see it). The test
  // moves on events, not on these durations.
  const lifeCycle = '\n    transport:\n      lifeCycle:\n        requestAcceptGraceTimeout: 2s\n        graceTimeOut: 60s';
  const { sy } = await startWithDynamic(catchAllTo(`http://127.0.0.1:${port}`), ['web', 'traefik'],
    (dynamicFile) => staticConfig(dynamicFile).replaceAll('address: "127.0.0.1:0"', `address: "127.0.0.1:0"${lifeCycle}`));
  const ping = `http://127.0.0.1:${sy.ports.get('traefik')}/ping`;
  try {
    const ok = await request(ping);
    assert.equal(ok.statusCode, 200);
    assert.equal(await ok.body.text(), 'OK');

    const slow = request(`http://127.0.0.1:${sy.ports.get('web')}/slow`).then(async (r) => ({ status: r.statusCode, body: await r.body.text() }));
    await arrivedP;
    sy.child.kill('SIGTERM');
    await sy.waitFor((l) => l.message === 'shutdown phase' && l.phase === 'terminating', 'the terminating phase');

    const terminating = await request(ping);
    assert.equal(terminating.statusCode, 503);
    assert.equal(await terminating.body.text(), 'Service Unavailable');

    (held as ServerResponse | null)!.end('finished');
    assert.deepEqual(await slow, { status: 200, body: 'finished' });
    assert.equal(await sy.stop(), 0);
    const phases = sy.lines.filter((l) => l.message === 'shutdown phase' && l.entryPoint === 'web').map((l) => l.phase);
    assert.deepEqual(phases, ['stop-accepting', 'draining', 'closed']);
  } finally {
    await sy.stop('SIGKILL');
    server.closeAllConnections();
    server.close();
  }
});

test('SIGTERM: a forwarded TCP connection keeps working through the grace period, then the process exits', async () => {
  const echo = await startTcpServer('echo');
  const { sy } = await startWithDynamic(`
tcp:
  routers:
    any:
      rule: "HostSNI(\`*\`)"
      service: echo
  services:
    echo:
      loadBalancer:
        servers: [{address: "127.0.0.1:${echo.port}"}]
`, ['web'], (dynamicFile) => staticConfig(dynamicFile).replaceAll('address: "127.0.0.1:0"', 'address: "127.0.0.1:0"\n    transport:\n      lifeCycle:\n        graceTimeOut: 60s'));
  try {
    const { socket, received } = await connectTcp(sy.ports.get('web'));
    socket.write('before\n');
    await received.until(endsWith('before\n'), 'the echo before SIGTERM');
    sy.child.kill('SIGTERM');
    await sy.waitFor((l) => l.message === 'shutdown phase' && l.phase === 'draining' && l.entryPoint === 'web', 'the draining phase');
    // No HTTP request is in flight, yet the TCP connection is not cut: it still echoes.
    socket.write('during\n');
    await received.until(endsWith('during\n'), 'the echo while draining');
    socket.end();
    assert.equal(await sy.stop(), 0);
  } finally {
    await sy.stop('SIGKILL');
    await echo.close();
  }
});
