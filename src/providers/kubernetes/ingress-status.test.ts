import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { snapshotOf, type KubeObject } from './kube-objects.ts';
import { desiredStatus, processedIngresses, publishesIngressStatus, statusKey, type IngressStatusOptions } from './ingress-status.ts';

function service(name: string, spec: unknown, status?: unknown): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'kube-system' }, spec, ...(status === undefined ? {} : { status }) };
}

function node(name: string, addresses: { type: string; address: string }[]): KubeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { addresses } };
}

const nodes = [
  node('a', [{ type: 'InternalIP', address: '10.0.0.1' }, { type: 'ExternalIP', address: '203.0.113.1' }]),
  node('b', [{ type: 'InternalIP', address: '10.0.0.2' }, { type: 'ExternalIP', address: '203.0.113.2' }, { type: 'Hostname', address: 'b' }]),
];

const ports = [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 443, nodePort: 30443 }];

describe('desiredStatus', () => {
  const cases: [string, IngressStatusOptions, KubeObject[], unknown][] = [
    ['uses a fixed ip', { ingressEndpoint: { ip: '192.0.2.10' } }, [], [{ ip: '192.0.2.10' }]],
    ['uses a fixed ip and hostname together', { ingressEndpoint: { ip: '192.0.2.10', hostname: 'lb.example.com' } }, [],
      [{ ip: '192.0.2.10', hostname: 'lb.example.com' }]],
    ['prefers the fixed address over the published service',
      { ingressEndpoint: { hostname: 'lb.example.com', publishedService: 'kube-system/sy' } },
      [service('sy', { type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ ip: '198.51.100.7' }] } })], [{ hostname: 'lb.example.com' }]],
    ['copies a LoadBalancer service status', { ingressEndpoint: { publishedService: 'kube-system/sy' } },
      [service('sy', { type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ ip: '198.51.100.7' }, { hostname: 'x.elb.example' }] } })],
      [{ ip: '198.51.100.7' }, { hostname: 'x.elb.example' }]],
    ['waits for a LoadBalancer without an address', { ingressEndpoint: { publishedService: 'kube-system/sy' } },
      [service('sy', { type: 'LoadBalancer' }, { loadBalancer: {} })], 'none'],
    ['lists a ClusterIP service external IPs with its ports', { ingressEndpoint: { publishedService: 'kube-system/sy' } },
      [service('sy', { type: 'ClusterIP', externalIPs: ['192.0.2.1'], ports })],
      [{ ip: '192.0.2.1', ports: [{ port: 80, protocol: 'TCP' }, { port: 443, protocol: 'TCP' }] }]],
    ['lists the nodes external IPs with the node ports of a NodePort service', { ingressEndpoint: { publishedService: 'kube-system/sy' } },
      [service('sy', { type: 'NodePort', ports }), ...nodes],
      [{ ip: '203.0.113.1', ports: [{ port: 30080, protocol: 'TCP' }, { port: 30443, protocol: 'TCP' }] },
        { ip: '203.0.113.2', ports: [{ port: 30080, protocol: 'TCP' }, { port: 30443, protocol: 'TCP' }] }]],
    ['uses an ExternalName service name as hostname', { ingressEndpoint: { publishedService: 'kube-system/sy' } },
      [service('sy', { type: 'ExternalName', externalName: 'edge.example.net' })], [{ hostname: 'edge.example.net' }]],
    ['writes nothing for a published service that is not there', { ingressEndpoint: { publishedService: 'kube-system/nope' } }, [], 'none'],
    ['writes nothing for a published service without a namespace', { ingressEndpoint: { publishedService: 'sy' } }, [], 'none'],
    ['reports the nodes internal IPs', { reportNodeInternalIPs: true }, nodes, [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }]],
    ['writes nothing without an endpoint', {}, nodes, 'none'],
  ];
  for (const [title, options, objects, expected] of cases) {
    it(title, () => {
      const desired = desiredStatus(options, snapshotOf(objects));
      if (expected === 'none') assert.equal(desired.kind, 'none');
      else assert.deepEqual(desired, { kind: 'entries', entries: expected });
    });
  }
});

describe('publishesIngressStatus', () => {
  it('is on for an endpoint or node IPs and off for empty values', () => {
    assert.equal(publishesIngressStatus({ ingressEndpoint: { ip: '192.0.2.1' } }), true);
    assert.equal(publishesIngressStatus({ reportNodeInternalIPs: true }), true);
    assert.equal(publishesIngressStatus({ ingressEndpoint: { ip: '', hostname: '' } }), false);
    assert.equal(publishesIngressStatus({}), false);
  });
});

describe('statusKey', () => {
  it('ignores the order of entries and ports and fields the comparison does not cover', () => {
    assert.equal(
      statusKey([{ ip: '1.1.1.1', ports: [{ port: 443, protocol: 'TCP' }, { port: 80, protocol: 'TCP' }] }, { hostname: 'h' }]),
      statusKey([{ hostname: 'h' }, { ip: '1.1.1.1', ports: [{ port: 80, protocol: 'TCP' }, { port: 443, protocol: 'TCP' }] }]),
    );
    assert.notEqual(statusKey([{ ip: '1.1.1.1' }]), statusKey([{ ip: '1.1.1.2' }]));
    assert.notEqual(statusKey([{ ip: '1.1.1.1' }]), statusKey([]));
  });
});

describe('processedIngresses', () => {
  it('keeps the Ingresses the class filter accepts', () => {
    const ingress = (name: string, extra: Partial<KubeObject>): KubeObject =>
      ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace: 'default' }, spec: {}, ...extra });
    const objects: KubeObject[] = [
      ingress('no-class', {}),
      ingress('traefik-annotation', { metadata: { name: 'traefik-annotation', namespace: 'default', annotations: { 'kubernetes.io/ingress.class': 'traefik' } } }),
      ingress('nginx-annotation', { metadata: { name: 'nginx-annotation', namespace: 'default', annotations: { 'kubernetes.io/ingress.class': 'nginx' } } }),
      ingress('ours', { spec: { ingressClassName: 'switchyard' } }),
      ingress('theirs', { spec: { ingressClassName: 'nginx' } }),
      { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'switchyard' }, spec: { controller: 'traefik.io/ingress-controller' } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } },
    ];
    const names = processedIngresses(snapshotOf(objects), {}).map((i) => i.metadata.name);
    assert.deepEqual(names, ['no-class', 'ours', 'traefik-annotation']);
  });
});
