import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveYaml } from '../../pipeline/fixture-snapshot.ts';
import { liveStatsItems } from './live-stats-items.ts';

describe('liveStatsItems', () => {
  it('keeps serving routers and services with each loadBalancer\'s servers, not Switchyard\'s own', () => {
    const runtime = resolveYaml({
      file: `
http:
  routers:
    app:
      rule: Host(\`app.example\`)
      service: canary
    broken:
      rule: Host(\`broken.example\`)
      service: missing
  services:
    canary:
      weighted:
        services: [{name: v1, weight: 3}, {name: v2, weight: 1}]
    v1:
      loadBalancer:
        servers: [{url: "http://10.0.0.1"}, {url: "http://10.0.0.2"}]
    v2:
      loadBalancer:
        servers: [{url: "http://10.0.0.3"}]
`,
      internal: `
http:
  routers:
    api:
      rule: PathPrefix(\`/api\`)
      service: api@internal
      entryPoints: [traefik]
`,
    });
    const items = liveStatsItems(runtime);
    assert.deepEqual([...items.routers].sort(), ['app@file']);
    assert.deepEqual(Object.fromEntries(items.services), {
      'canary@file': [],
      'v1@file': ['http://10.0.0.1', 'http://10.0.0.2'],
      'v2@file': ['http://10.0.0.3'],
    });
  });
});
