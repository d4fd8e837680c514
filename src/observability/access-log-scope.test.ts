import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Exchange } from '../lib/exchange.ts';
import { createAccessLog, type AccessLogRouter, type AccessLogScope } from './access-log.ts';
import { DURATION_NS, END_MS, collectingStream, finishedExchange, logLines } from './access-log-testing.ts';

const router = (service: string, accessLogs?: boolean): AccessLogRouter =>
  ({ service, config: accessLogs === undefined ? {} : { observability: { accessLogs } } });

const routers = new Map<string, AccessLogRouter>([
  ['app@file', router('app@file')],
  ['quiet@file', router('app@file', false)],
  ['loud@file', router('app@file', true)],
  ['api@internal', router('api@internal')],
  ['dashboard@internal', router('dashboard@internal')],
  // A user router exposing the API is internal too: Traefik looks at the service, not the router.
  ['secure-api@file', router('api@internal')],
  ['secure-api-logged@file', router('api@internal', true)],
]);

const to = (routerName: string, entryPoint = 'web'): Exchange =>
  finishedExchange({ request: { entryPoint }, log: { routerName } });

/** The router names of the lines written for these exchanges (`-` for none). */
async function logged(scope: AccessLogScope, exchanges: readonly Exchange[]): Promise<string[]> {
  const text = await logLines({ format: 'json', scope: { routers: () => routers, ...scope } },
    exchanges.map((e) => [e, DURATION_NS] as const));
  return text.split('\n').filter(Boolean).map((line) => {
    const record = JSON.parse(line) as { RouterName?: string };
    return record.RouterName ?? '-';
  });
}

describe('access log: which requests are logged', () => {
  const table: readonly { readonly title: string; readonly scope: AccessLogScope; readonly exchange: Exchange; readonly logged: boolean }[] = [
    { title: 'a request to a user service', scope: {}, exchange: to('app@file'), logged: true },
    { title: 'a request to api@internal without addInternals', scope: {}, exchange: to('api@internal', 'traefik'), logged: false },
    { title: 'a request to dashboard@internal without addInternals', scope: {}, exchange: to('dashboard@internal', 'traefik'), logged: false },
    { title: 'a user router whose service is api@internal, without addInternals', scope: {}, exchange: to('secure-api@file'), logged: false },
    { title: 'the same router even when its observability asks for access logs', scope: {}, exchange: to('secure-api-logged@file'), logged: false },
    { title: 'a request to api@internal with addInternals', scope: { addInternals: true }, exchange: to('api@internal', 'traefik'), logged: true },
    { title: 'a router with observability.accessLogs false', scope: {}, exchange: to('quiet@file'), logged: false },
    { title: 'a router on an entry point with accessLogs false', scope: { entryPoints: new Map([['web', false]]) }, exchange: to('app@file'), logged: false },
    { title: 'a router with accessLogs true on an entry point with accessLogs false', scope: { entryPoints: new Map([['web', false]]) }, exchange: to('loud@file'), logged: true },
    { title: 'a request no router took', scope: {}, exchange: to(''), logged: true },
    { title: 'a request no router took on an entry point with accessLogs false', scope: { entryPoints: new Map([['web', false]]) }, exchange: to(''), logged: false },
    { title: 'a router removed from the configuration since (its entry point decides)', scope: {}, exchange: to('gone@file'), logged: true },
  ];
  for (const row of table) {
    it(`${row.logged ? 'logs' : 'does not log'} ${row.title}`, async () => {
      assert.equal((await logged(row.scope, [row.exchange])).length, row.logged ? 1 : 0);
    });
  }

  it('does not count requests it does not log in RequestCount', async () => {
    const text = await logLines({ format: 'json', scope: { routers: () => routers } },
      [[to('api@internal'), DURATION_NS], [to('app@file'), DURATION_NS], [to('quiet@file'), DURATION_NS], [to('app@file'), DURATION_NS]]);
    const counts = text.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { RequestCount: number }).RequestCount);
    assert.deepEqual(counts, [1, 2]);
  });

  it('reads the routers when each request ends, so a reload changes the decision', async () => {
    let current: ReadonlyMap<string, AccessLogRouter> = new Map([['app@file', router('app@file')]]);
    const out = collectingStream();
    const accessLog = createAccessLog({ format: 'json', output: out.stream, now: () => END_MS, scope: { routers: () => current } });
    accessLog.record(to('app@file'), DURATION_NS);
    current = new Map([['app@file', router('app@file', false)]]);
    accessLog.record(to('app@file'), DURATION_NS);
    await accessLog.dispose();
    assert.equal(out.text().split('\n').filter(Boolean).length, 1);
  });
});
