/**
 * explain() of the failover service against its real handler: main while it is UP, the
 * fallback while main is DOWN, 503 with both DOWN.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failoverServiceSchema } from '../../config/http-services.ts';
import type { FailoverService } from '../../config/dynamic.ts';
import type { ExplainChild } from '../../config/explain-view.ts';
import { createManualClock } from '../../lib/manual-clock.ts';
import { fakeExchange, recordingHandler, type RecordingHandler } from '../../middlewares/testing/fake-exchange.ts';
import type { BuiltService } from '../built-service.ts';
import { createComputedHealthSignal } from '../health/health-signal.ts';
import { createFailover } from './failover.ts';

const explainChild: ExplainChild = (name) => ({ name: `${name}@file`, type: 'internal', decision: `${name} answers`, available: true });

function child(name: string): { service: BuiltService & { handler: RecordingHandler }; set(up: boolean): void } {
  let up = true;
  const signal = createComputedHealthSignal(() => up);
  const handler = recordingHandler({ body: name });
  return {
    service: { handler, health: signal, serverStatus: () => undefined, dispose() {} },
    set(value) {
      up = value;
      signal.recheck();
    },
  };
}

test('failover explains main while it is UP, the fallback while it is DOWN, and 503 with both DOWN, as its handler sends', async () => {
  const main = child('main');
  const backup = child('backup');
  const config = failoverServiceSchema.parse({ service: 'main', fallback: 'backup' }) as FailoverService;
  const failover = createFailover('fo@file', config, { main: main.service, fallback: backup.service, clock: createManualClock(0) });
  const steps: { main: boolean; backup: boolean; child: string | undefined; via: string | undefined; status: number }[] = [
    { main: true, backup: true, child: 'main@file', via: undefined, status: 200 },
    { main: false, backup: true, child: 'backup@file', via: 'fallback', status: 200 },
    { main: false, backup: false, child: undefined, via: undefined, status: 503 },
    { main: true, backup: false, child: 'main@file', via: undefined, status: 200 },
  ];
  for (const step of steps) {
    main.set(step.main);
    backup.set(step.backup);
    const e = failover.explain!(fakeExchange().request, explainChild);
    assert.equal(e.child?.name, step.child, e.decision);
    assert.equal(e.via, step.via);
    assert.equal(e.available, step.status === 200);
    const before = { main: main.service.handler.seen.length, backup: backup.service.handler.seen.length };
    const ex = fakeExchange();
    await failover.handler(ex);
    const sent = await ex.done;
    assert.equal(sent.status, step.status);
    const reached = main.service.handler.seen.length > before.main ? 'main@file' : backup.service.handler.seen.length > before.backup ? 'backup@file' : undefined;
    assert.equal(reached, step.child);
  }
});

test('failover on status says the fallback takes a request main answers with a listed status', () => {
  const main = child('main');
  const backup = child('backup');
  const config = failoverServiceSchema.parse({ service: 'main', fallback: 'backup', errors: { status: ['500-504'] } }) as FailoverService;
  const failover = createFailover('fo@file', config, { main: main.service, fallback: backup.service, clock: createManualClock(0) });
  assert.match(failover.explain!(fakeExchange().request, explainChild).decision,
    /the main service main is UP; if it answers a status in errors.status \(500-504\), the request is sent again to the fallback backup/);
});
