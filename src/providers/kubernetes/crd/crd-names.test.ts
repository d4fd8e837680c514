/**
 * Item names as Traefik generates them: the documented router hashes, Normalize, Service ports
 * by number and by name, TLS resources.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  crdItemName, httpRouterName, kubeServiceName, normalizeName, tcpRouterName, tlsResourceName, udpRouterName,
} from './crd-names.ts';

test('HTTP router names are normalized and end with 10 bytes of SHA-256 of the match (Traefik fixtures)', () => {
  assert.equal(httpRouterName('default', 'test2.route', 'Host(`k8s-service`)'), 'default-test2-route-840425136fbd5d85a4ad');
});

test('TCP router names keep the object name as written', () => {
  assert.equal(tcpRouterName('default', 'test.route', 'HostSNI(`foo.com`)'), 'default-test.route-fdd3e9338e47a45efefc');
});

test('UDP router names use the route index', () => {
  assert.equal(udpRouterName('default', 'test.route', 0), 'default-test.route-0');
});

test('Normalize turns runs of other characters into one dash and trims them', () => {
  const cases: [string, string][] = [
    ['default-myapp', 'default-myapp'],
    ['a.b_c', 'a-b-c'],
    ['--a..b--', 'a-b'],
    ['ns-名前-80', 'ns-名前-80'],
    ['a@file', 'a-file'],
  ];
  for (const [input, expected] of cases) assert.equal(normalizeName(input), expected, input);
});

test('Kubernetes Service ports name services by number or by port name', () => {
  assert.equal(kubeServiceName('default', 'myapp2', 80), 'default-myapp2-80');
  assert.equal(kubeServiceName('default', 'whoami', 'web'), 'default-whoami-web');
  assert.equal(crdItemName('default', 'strip.api'), 'default-strip-api');
});

test('TLS options and stores named default replace the global ones; others are not normalized', () => {
  assert.equal(tlsResourceName('traefik', 'default'), 'default');
  assert.equal(tlsResourceName('traefik', 'mtls.v2'), 'traefik-mtls.v2');
});
