/**
 * resolveServiceServers and serviceSessionAffinity on hand-made snapshots: what each endpoint
 * condition gives, port matching, schemes, the special modes and every refusal.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { snapshotOf, type KubeObject } from './kube-objects.ts';
import { resolveServiceServers, serviceSessionAffinity, type ServiceServersOptions } from './service-servers.ts';

function service(name: string, spec: Record<string, unknown>, annotations: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'ns', annotations }, spec };
}

function slice(name: string, svc: string, fields: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name, namespace: 'ns', labels: { 'kubernetes.io/service-name': svc } }, addressType: 'IPv4', ...fields,
  };
}

const allow: ServiceServersOptions = { allowExternalName: true };

function urls(objects: KubeObject[], name: string, port: string | number, options: ServiceServersOptions = allow): unknown {
  const result = resolveServiceServers(snapshotOf(objects), 'ns', name, port, options);
  return result.ok ? result.servers : result;
}

describe('resolveServiceServers', () => {
  it('keeps ready endpoints, fences serving+terminating ones, drops the rest', () => {
    const objects = [
      service('web', { ports: [{ port: 80, targetPort: 8080 }] }),
      slice('web-1', 'web', {
        ports: [{ name: '', port: 8080 }],
        endpoints: [
          { addresses: ['10.0.0.1'], conditions: { ready: true, serving: true, terminating: false } },
          { addresses: ['10.0.0.2'], conditions: { ready: false, serving: true, terminating: true } },
          { addresses: ['10.0.0.3'], conditions: { ready: false, serving: false, terminating: true } },
          { addresses: ['10.0.0.4'], conditions: { ready: false, serving: false, terminating: false } },
          { addresses: ['10.0.0.5'] },
          { addresses: ['10.0.0.6'], conditions: {} },
        ],
      }),
    ];
    assert.deepEqual(urls(objects, 'web', 80), [
      { url: 'http://10.0.0.1:8080' }, { url: 'http://10.0.0.2:8080', fenced: true }, { url: 'http://10.0.0.5:8080' }, { url: 'http://10.0.0.6:8080' },
    ]);
  });

  it('orders servers by address whatever the order of slices and endpoints', () => {
    const endpoints = ['10.0.0.10', '10.0.0.9', 'fd00::1', '10.0.0.100'].map((a) => ({ addresses: [a] }));
    const make = (list: typeof endpoints): KubeObject[] => [
      service('web', { ports: [{ name: 'http', port: 80 }] }),
      slice('a', 'web', { ports: [{ name: 'http', port: 80 }], endpoints: list.slice(0, 2) }),
      slice('b', 'web', { ports: [{ name: 'http', port: 80 }], endpoints: list.slice(2) }),
    ];
    const expected = ['http://10.0.0.9:80', 'http://10.0.0.10:80', 'http://10.0.0.100:80', 'http://[fd00::1]:80'].map((url) => ({ url }));
    assert.deepEqual(urls(make(endpoints), 'web', 'http'), expected);
    assert.deepEqual(urls(make([...endpoints].reverse()), 'web', 'http'), expected);
  });

  it('keeps an address once, in rotation when one slice has it ready', () => {
    const objects = [
      service('web', { ports: [{ port: 80 }] }),
      slice('old', 'web', { ports: [{ name: '', port: 80 }], endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: false, serving: true, terminating: true } }] }),
      slice('new', 'web', { ports: [{ name: '', port: 80 }], endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true } }] }),
    ];
    assert.deepEqual(urls(objects, 'web', 80), [{ url: 'http://10.0.0.1:80' }]);
  });

  it('picks the slice port by the service port name, and a numeric string as a port number', () => {
    const objects = [
      service('api', { ports: [{ name: 'http', port: 80, targetPort: 'web' }, { name: 'metrics', port: 9090 }] }),
      slice('api-1', 'api', { ports: [{ name: 'metrics', port: 9091 }, { name: 'http', port: 3000 }], endpoints: [{ addresses: ['10.0.0.1'] }] }),
    ];
    assert.deepEqual(urls(objects, 'api', 'http'), [{ url: 'http://10.0.0.1:3000' }]);
    assert.deepEqual(urls(objects, 'api', '9090'), [{ url: 'http://10.0.0.1:9091' }]);
  });

  it('chooses the scheme from the port, or the override', () => {
    const objects = [
      service('s', { ports: [{ name: 'https-web', port: 8443 }, { name: 'tls', port: 443 }, { name: 'plain', port: 80 }] }),
      slice('s-1', 's', {
        ports: [{ name: 'https-web', port: 8443 }, { name: 'tls', port: 443 }, { name: 'plain', port: 80 }], endpoints: [{ addresses: ['10.0.0.1'] }],
      }),
    ];
    const scheme = (port: string | number, override?: string): unknown => {
      const r = resolveServiceServers(snapshotOf(objects), 'ns', 's', port, override === undefined ? allow : { ...allow, scheme: override });
      return r.ok ? r.scheme : r.message;
    };
    assert.equal(scheme('https-web'), 'https');
    assert.equal(scheme(443), 'https');
    assert.equal(scheme(80), 'http');
    assert.equal(scheme(80, 'h2c'), 'h2c');
    assert.equal(scheme(80, 'ftp'), 'expected a servers scheme http, https or h2c, got "ftp"');
  });

  it('brackets IPv6 addresses and serves FQDN endpoints', () => {
    const objects = [
      service('six', { ports: [{ port: 80 }] }),
      slice('six-1', 'six', { addressType: 'IPv6', ports: [{ port: 80 }], endpoints: [{ addresses: ['2001:db8::1'] }] }),
      service('dns', { ports: [{ port: 80 }] }),
      slice('dns-1', 'dns', { addressType: 'FQDN', ports: [{ port: 80 }], endpoints: [{ addresses: ['a.example.net'] }] }),
    ];
    assert.deepEqual(urls(objects, 'six', 80), [{ url: 'http://[2001:db8::1]:80' }]);
    assert.deepEqual(urls(objects, 'dns', 80), [{ url: 'http://a.example.net:80' }]);
  });

  it('gives one server at the ClusterIP with nativeLB, and refuses a headless Service', () => {
    const objects = [service('v', { clusterIP: 'fd00::5', ports: [{ port: 80 }] }), service('h', { clusterIP: 'None', ports: [{ port: 80 }] })];
    assert.deepEqual(urls(objects, 'v', 80, { ...allow, nativeLB: true }), [{ url: 'http://[fd00::5]:80' }]);
    assert.deepEqual(urls(objects, 'h', 80, { ...allow, nativeLB: true }), {
      ok: false, field: 'spec.clusterIP', message: 'Service ns/h is headless (clusterIP: None); nativeLB needs a cluster IP',
    });
  });

  it('gives one server per node InternalIP with nodePortLB, for NodePort Services only', () => {
    const node = (name: string, ip: string): KubeObject => ({
      apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { addresses: [{ type: 'InternalIP', address: ip }, { type: 'ExternalIP', address: '203.0.113.1' }] },
    });
    const objects = [
      service('np', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }), service('cip', { ports: [{ port: 80 }] }),
      node('b', '192.168.0.2'), node('a', '192.168.0.1'),
    ];
    assert.deepEqual(urls(objects, 'np', 80, { ...allow, nodePortLB: true }), [{ url: 'http://192.168.0.1:30080' }, { url: 'http://192.168.0.2:30080' }]);
    assert.deepEqual(urls(objects, 'cip', 80, { ...allow, nodePortLB: true }), {
      ok: false, field: 'spec.type', message: 'nodePortLB needs a Service of type NodePort; ns/cip is ClusterIP',
    });
  });

  it('serves ExternalName Services only when allowed, with or without ports', () => {
    const objects = [service('ext', { type: 'ExternalName', externalName: 'api.example.net' })];
    assert.deepEqual(urls(objects, 'ext', 8443), [{ url: 'http://api.example.net:8443' }]);
    assert.deepEqual(urls(objects, 'ext', 8443, { allowExternalName: false }), {
      ok: false, field: 'spec.type',
      message: 'Service ns/ext is of type ExternalName, which the provider does not allow (set allowExternalNameServices: true)',
    });
  });

  it('reports a missing Service and a missing port', () => {
    const objects = [service('web', { ports: [{ name: 'http', port: 80 }] })];
    assert.deepEqual(urls(objects, 'nope', 80), { ok: false, message: 'Service ns/nope not found' });
    assert.deepEqual(urls(objects, 'web', 'grpc'), {
      ok: false, field: 'spec.ports', message: 'Service ns/web has no port "grpc"; its ports are 80 (http)',
    });
  });

  it('returns an existing port without ready endpoints as ok with no servers', () => {
    const objects = [service('web', { ports: [{ port: 80 }] })];
    assert.deepEqual(urls(objects, 'web', 80), []);
  });
});

describe('serviceSessionAffinity', () => {
  const cases: [spec: Record<string, unknown>, expected: unknown][] = [
    [{}, { ok: true }],
    [{ sessionAffinity: 'None' }, { ok: true }],
    [{ sessionAffinity: 'ClientIP' }, { ok: true, clientIP: { timeoutSeconds: 10800 } }],
    [{ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 86400 } } }, { ok: true, clientIP: { timeoutSeconds: 86400 } }],
    [{ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } } }, {
      ok: false, field: 'spec.sessionAffinityConfig.clientIP.timeoutSeconds', message: 'expected timeoutSeconds from 1 to 86400, got 0',
    }],
    [{ sessionAffinity: 'Cookie' }, { ok: false, field: 'spec.sessionAffinity', message: 'expected sessionAffinity None or ClientIP, got "Cookie"' }],
  ];
  for (const [spec, expected] of cases) {
    it(`reads ${JSON.stringify(spec)}`, () => assert.deepEqual(serviceSessionAffinity(service('s', spec)), expected));
  }
});
