import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveYaml } from './fixture-snapshot.ts';
import { defaultProviderPrecedence, precedenceRanks } from './precedence.ts';

const router = (service: string) => `http: {routers: {r: {rule: "Host(\`a\`)", service: "${service}"}}}`;
const service = 'http: {services: {api: {loadBalancer: {servers: [{url: "http://10.0.0.1"}]}}}}';

test('ranks internal first, then the precedence list, then every unlisted provider', () => {
  const rank = precedenceRanks(defaultProviderPrecedence);
  assert.equal(rank('internal'), 0);
  assert.equal(rank('kubernetesgateway'), 1);
  assert.equal(rank('kubernetescrd'), 2);
  assert.equal(rank('kubernetes'), 3);
  assert.equal(rank('file'), 7);
  assert.ok(rank('rest') < rank('my-plugin-provider'));
  assert.equal(rank('my-plugin-provider'), rank('another-unlisted'));
});

test('each router carries the rank of its provider', () => {
  const config = resolveYaml({
    kubernetescrd: router('api@file'),
    kubernetes: router('api@file'),
    file: service,
  });
  assert.ok(config.http.routers.get('r@kubernetescrd')!.precedence < config.http.routers.get('r@kubernetes')!.precedence);
});

test('a configured precedence replaces the default order', () => {
  const config = resolveYaml({ kubernetescrd: router('api@file'), file: `${service}` }, { precedence: ['file', 'kubernetescrd'] });
  assert.equal(config.http.routers.get('r@kubernetescrd')!.precedence, 2);
});
