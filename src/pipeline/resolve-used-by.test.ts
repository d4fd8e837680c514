import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveYaml } from './fixture-snapshot.ts';

test('usedBy lists the routers, services and middlewares that reference an item', () => {
  const config = resolveYaml({
    file: `
http:
  routers:
    a: {rule: "Host(\`a\`)", service: canary, middlewares: [secured]}
    b: {rule: "Host(\`b\`)", service: v1, middlewares: [auth]}
  middlewares:
    secured: {chain: {middlewares: [auth]}}
    auth: {basicAuth: {users: ["u:p"]}}
  services:
    canary: {weighted: {services: [{name: v1}, {name: v2}]}}
    v1: {loadBalancer: {servers: [{url: "http://10.0.0.1"}], serversTransport: insecure}}
    v2: {loadBalancer: {servers: [{url: "http://10.0.0.2"}]}}
  serversTransports:
    insecure: {insecureSkipVerify: true}
`,
    kubernetescrd: 'http: {routers: {c: {rule: "Host(`c`)", service: v1@file}}}',
  });
  assert.deepEqual(config.http.services.get('v1@file')!.usedBy, ['b@file', 'c@kubernetescrd', 'canary@file']);
  assert.deepEqual(config.http.services.get('canary@file')!.usedBy, ['a@file']);
  assert.deepEqual(config.http.middlewares.get('auth@file')!.usedBy, ['b@file', 'secured@file']);
  assert.deepEqual(config.http.serversTransports.get('insecure@file')!.usedBy, ['v1@file']);
  assert.equal(config.http.serversTransports.get('insecure@file')!.status, 'enabled');
});
