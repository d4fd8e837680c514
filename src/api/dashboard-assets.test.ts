import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDashboardAssets, inlineScriptHashes } from './dashboard-assets.ts';
import { createMemoryExchange, type CollectedResponse, type MemoryRequest } from './testdata/memory-exchange.ts';

const importMap = '{"imports":{"preact":"./vendor/preact.mjs"}}';
const indexHtml = `<!doctype html><html><head><script type="importmap">${importMap}</script>` +
  '<script type="module" src="./app/main.js"></script></head><body></body></html>';

function webRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'switchyard-web-'));
  mkdirSync(join(root, 'app'));
  writeFileSync(join(root, 'index.html'), indexHtml);
  writeFileSync(join(root, 'app', 'main.js'), 'export const x = 1;\n');
  writeFileSync(join(root, 'app', 'api-types.d.ts'), 'export interface X { a: 1 }\n');
  writeFileSync(join(root, 'tsconfig.json'), '{"compilerOptions": {"checkJs": true}}\n');
  return root;
}

const root = webRoot();

async function call(prefix: string, request: MemoryRequest): Promise<CollectedResponse> {
  const { exchange, response } = createMemoryExchange(request);
  await createDashboardAssets({ root, prefix })(exchange);
  assert.ok(response.ended, 'the response is ended');
  return response;
}

describe('dashboard assets', () => {
  it('serves index.html for the prefix with a slash, with its type and a strong ETag', async () => {
    const response = await call('/dashboard', { target: '/dashboard/' });
    assert.equal(response.status, 200);
    assert.equal(response.header('content-type'), 'text/html; charset=utf-8');
    assert.equal(response.body, indexHtml);
    assert.match(response.header('etag') ?? '', /^"[A-Za-z0-9_-]{27}"$/);
  });

  it('redirects the bare prefix to the prefix with a slash so relative module URLs resolve', async () => {
    const response = await call('/base/dashboard', { target: '/base/dashboard' });
    assert.equal(response.status, 301);
    assert.equal(response.header('location'), '/base/dashboard/');
  });

  it('allows only its own origin and the import map by hash in the Content-Security-Policy', async () => {
    const response = await call('', { target: '/app/main.js' });
    assert.equal(response.header('content-type'), 'text/javascript; charset=utf-8');
    const policy = response.header('content-security-policy') ?? '';
    const hash = createHash('sha256').update(importMap).digest('base64');
    assert.match(policy, /default-src 'self'/);
    assert.ok(policy.includes(`script-src 'self' 'sha256-${hash}'`), policy);
    assert.match(policy, /style-src 'self'(;|$)/, 'no inline styles');
    assert.match(policy, /frame-ancestors 'none'/);
    assert.equal(response.header('x-content-type-options'), 'nosniff');
    assert.equal(response.header('x-frame-options'), 'DENY');
  });

  it('answers 304 without a body when If-None-Match names the current ETag', async () => {
    const first = await call('', { target: '/index.html' });
    const etag = first.header('etag')!;
    for (const ifNoneMatch of [etag, `"other", ${etag}`, `W/${etag}`, '*']) {
      const again = await call('', { target: '/index.html', headers: ['If-None-Match', ifNoneMatch] });
      assert.equal(again.status, 304, ifNoneMatch);
      assert.equal(again.body, '');
      assert.equal(again.header('etag'), etag);
    }
    const changed = await call('', { target: '/index.html', headers: ['If-None-Match', '"stale"'] });
    assert.equal(changed.status, 200);
    assert.equal(changed.body, indexHtml);
  });

  it('sends nothing that is not a served file type, nor anything outside the root', async () => {
    for (const target of ['/app/api-types.d.ts', '/tsconfig.json', '/../package.json', '/app/../../etc/passwd', '/missing.js']) {
      assert.equal((await call('', { target })).status, 404, target);
    }
  });

  it('answers HEAD with the headers only and refuses other methods', async () => {
    const head = await call('', { method: 'HEAD', target: '/index.html' });
    assert.equal(head.status, 200);
    assert.equal(head.header('content-length'), String(Buffer.byteLength(indexHtml)));
    assert.equal(head.body, '');
    assert.equal((await call('', { method: 'POST', target: '/index.html' })).status, 405);
  });

  it('hashes inline scripts only, not scripts loaded from a file', () => {
    const hashes = inlineScriptHashes('<script src="a.js"></script><script>one()</script><SCRIPT type="x">two</SCRIPT>');
    assert.deepEqual(hashes, [
      `'sha256-${createHash('sha256').update('one()').digest('base64')}'`,
      `'sha256-${createHash('sha256').update('two').digest('base64')}'`,
    ]);
  });
});
