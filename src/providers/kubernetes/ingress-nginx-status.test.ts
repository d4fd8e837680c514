import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { snapshotOf, type KubeObject } from './kube-objects.ts';
import { desiredStatus, publishesIngressStatus } from './ingress-status.ts';
import { nginxDesiredStatus, type NginxStatusOptions } from './ingress-nginx-status.ts';

function service(spec: unknown, status?: unknown): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'sy', namespace: 'ingress' }, spec, ...(status === undefined ? {} : { status }) };
}

const published = { publishService: 'ingress/sy' };

describe('the ingress-nginx provider status', () => {
  const cases: [string, NginxStatusOptions, KubeObject[], unknown][] = [
    ['lists publishStatusAddress as IPs and hostnames', { publishStatusAddress: ['203.0.113.7', '2001:db8::1', 'lb.example.com'] }, [],
      [{ ip: '203.0.113.7' }, { ip: '2001:db8::1' }, { hostname: 'lb.example.com' }]],
    ['prefers publishStatusAddress over publishService', { ...published, publishStatusAddress: ['203.0.113.7'] },
      [service({ type: 'ClusterIP', clusterIP: '10.96.0.10' })], [{ ip: '203.0.113.7' }]],
    ['uses a ClusterIP service cluster IP', published, [service({ type: 'ClusterIP', clusterIP: '10.96.0.10', externalIPs: ['192.0.2.1'] })],
      [{ ip: '10.96.0.10' }]],
    ['uses a NodePort service external IPs', published, [service({ type: 'NodePort', clusterIP: '10.96.0.10', externalIPs: ['192.0.2.1', '192.0.2.2'] })],
      [{ ip: '192.0.2.1' }, { ip: '192.0.2.2' }]],
    ['uses a NodePort service cluster IP when it has no external IP', published, [service({ type: 'NodePort', clusterIP: '10.96.0.10' })],
      [{ ip: '10.96.0.10' }]],
    ['copies a LoadBalancer status and adds the external IPs not in it', published,
      [service({ type: 'LoadBalancer', externalIPs: ['198.51.100.7', '192.0.2.9'] }, { loadBalancer: { ingress: [{ ip: '198.51.100.7' }, { hostname: 'x.elb.example' }] } })],
      [{ ip: '198.51.100.7' }, { hostname: 'x.elb.example' }, { ip: '192.0.2.9' }]],
    ['waits for a LoadBalancer without an address', published, [service({ type: 'LoadBalancer' }, { loadBalancer: {} })], 'none'],
    ['uses an ExternalName service name as hostname', published, [service({ type: 'ExternalName', externalName: 'edge.example.net' })],
      [{ hostname: 'edge.example.net' }]],
    ['writes nothing for a service that is not there', published, [], 'none'],
    ['writes nothing for a headless service', published, [service({ type: 'ClusterIP', clusterIP: 'None' })], 'none'],
  ];
  for (const [title, options, objects, expected] of cases) {
    it(title, () => {
      const desired = nginxDesiredStatus(options, snapshotOf(objects));
      if (expected === 'none') assert.equal(desired.kind, 'none');
      else assert.deepEqual(desired, { kind: 'entries', entries: expected });
      // The Ingress status publisher reads the same options.
      assert.deepEqual(desiredStatus(options, snapshotOf(objects)), desired);
    });
  }

  it('publishes only when publishService or publishStatusAddress is set', () => {
    assert.equal(publishesIngressStatus({ publishService: 'ingress/sy' }), true);
    assert.equal(publishesIngressStatus({ publishStatusAddress: ['203.0.113.7'] }), true);
    assert.equal(publishesIngressStatus({ publishService: '', publishStatusAddress: [] }), false);
  });
});
