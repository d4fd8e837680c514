import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newExchangeLog, type Exchange } from '../lib/exchange.ts';
import { createManualClock } from '../lib/manual-clock.ts';
import { createLiveStats } from '../observability/live-stats/live-stats.ts';
import type { BuiltService } from '../services/built-service.ts';
import { withServiceEntry } from './service-entry.ts';

function exchange(routerName: string): Exchange {
  const log = newExchangeLog(0n, '/', '');
  log.routerName = routerName;
  return { log } as unknown as Exchange;
}

function service(seen: string[][]): BuiltService {
  return {
    handler: (ex) => {
      seen.push([...ex.log.services]);
    },
    health: null,
    serverStatus: () => undefined,
    details: () => ({ kind: 'test' }),
    dispose() {},
  };
}

describe('withServiceEntry', () => {
  it('puts the service name on the log before the service runs, and keeps the rest of the built service', async () => {
    const seen: string[][] = [];
    const built = withServiceEntry('v1@file', service(seen), undefined);
    const ex = exchange('app@file');
    await built.handler(ex);
    await built.handler(ex);
    assert.deepEqual(seen, [['v1@file'], ['v1@file', 'v1@file']]);
    assert.deepEqual(built.details?.(), { kind: 'test' });
  });

  it('counts the request in flight on the service when a counted router took it', async () => {
    const stats = createLiveStats({ clock: createManualClock() });
    const built = withServiceEntry('v1@file', service([]), stats);
    await built.handler(exchange('app@file'));
    await built.handler(exchange('')); // a mirror's copy: no router
    assert.equal(stats.snapshot().services['v1@file']?.inFlight, 1);
  });
});
