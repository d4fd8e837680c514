/**
 * explain() of the mirroring service against its real handler: the main service always, and
 * exactly the mirrors the next request is then copied to; explaining moves no counter (a twin
 * that was never asked mirrors the same requests).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mirroringServiceSchema, type MirroringService } from '../../config/dynamic.ts';
import type { ExplainChild } from '../../config/explain-view.ts';
import { sendText, type Exchange } from '../../lib/exchange.ts';
import type { BuiltService } from '../built-service.ts';
import { createMirroring, type BuiltMirroring } from './mirroring.ts';
import { memoryExchange } from './testing/memory-exchange.ts';

const explainChild: ExplainChild = (name) => ({ name: `${name}@file`, type: 'internal', decision: `${name} answers`, available: true });

function answering(): BuiltService & { readonly seen: Exchange[] } {
  const seen: Exchange[] = [];
  return {
    seen,
    handler: (exchange) => {
      seen.push(exchange);
      sendText(exchange, 200, 'ok');
    },
    health: null,
    serverStatus: () => undefined,
    dispose() {},
  };
}

function build(): { service: BuiltMirroring; mirrors: Record<string, ReturnType<typeof answering>> } {
  const mirrors = { ten: answering(), half: answering(), never: answering() };
  const config = mirroringServiceSchema.parse({ service: 'main', mirrors: [] }) as MirroringService;
  const service = createMirroring('mirrored@file', config, {
    main: answering(),
    mirrors: [
      { name: 'ten', percent: 10, compare: false, handler: mirrors.ten.handler },
      { name: 'half', percent: 50, compare: false, handler: mirrors.half.handler },
      { name: 'never', percent: 0, compare: false, handler: mirrors.never.handler },
    ],
  });
  return { service, mirrors };
}

test('mirroring explains the main service and exactly the mirrors the next request is copied to, moving no counter', () => {
  const explained = build();
  const twin = build();
  for (let i = 1; i <= 40; i++) {
    const e = explained.service.explain!(memoryExchange().request, explainChild);
    assert.deepEqual(explained.service.explain!(memoryExchange().request, explainChild), e, 'explaining twice gives the same answer');
    assert.equal(e.type, 'mirroring');
    assert.equal(e.child?.name, 'main@file');
    const before = Object.fromEntries(Object.entries(explained.mirrors).map(([name, m]) => [name, m.seen.length]));
    void explained.service.handler(memoryExchange());
    void twin.service.handler(memoryExchange());
    const copied = Object.entries(explained.mirrors).filter(([name, m]) => m.seen.length > before[name]!).map(([name]) => name);
    assert.deepEqual(e.mirrors?.filter((m) => m.mirrored).map((m) => m.name), copied, `request ${i}: ${e.decision}`);
  }
  assert.deepEqual(explained.service.stats().map((s) => s.sent), twin.service.stats().map((s) => s.sent));
  assert.deepEqual(explained.service.stats().map((s) => s.sent), [4, 20, 0]);
});

test('mirroring explains that an upgrade request is never mirrored', () => {
  const { service } = build();
  const e = service.explain!(memoryExchange({ headers: ['Connection', 'Upgrade', 'Upgrade', 'websocket'] }).request, explainChild);
  assert.deepEqual(e.mirrors?.map((m) => m.mirrored), [false, false, false]);
  assert.match(e.decision, /never mirrored/);
});
