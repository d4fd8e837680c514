import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadStaticConfig } from './static.ts';

function load(argv: string[], options: { env?: Record<string, string>; file?: string } = {}) {
  const { env = {}, file } = options;
  return loadStaticConfig({ argv, env, cwd: '/srv', readFile: (path) => (path === '/srv/traefik.yml' ? file ?? null : null) });
}

test('a bare providers.kubernetesIngressNGINX flag enables the provider with Traefik\'s defaults', () => {
  const loaded = load(['--providers.kubernetesingressnginx=true']);
  assert.deepEqual(loaded.diagnostics, []);
  assert.deepEqual(loaded.config?.providers.kubernetesIngressNGINX, {
    throttleDuration: 0,
    ingressClass: 'nginx',
    controllerClass: 'k8s.io/ingress-nginx',
    watchIngressWithoutClass: false,
    ingressClassByName: false,
    publishStatusAddress: [],
    disableSvcExternalName: false,
    disableNonTLSRouters: false,
  });
});

test('reads every option Switchyard implements, from flags, case-insensitively', () => {
  const loaded = load([
    '--providers.kubernetesingressnginx.endpoint=https://10.0.0.1:6443',
    '--providers.kubernetesingressnginx.token=/var/run/token',
    '--providers.kubernetesingressnginx.certauthfilepath=/etc/ca.crt',
    '--providers.kubernetesingressnginx.throttleduration=2s',
    '--providers.kubernetesingressnginx.watchnamespace=shop',
    '--providers.kubernetesingressnginx.ingressclass=public',
    '--providers.kubernetesingressnginx.controllerclass=example.com/edge',
    '--providers.kubernetesingressnginx.watchingresswithoutclass=true',
    '--providers.kubernetesingressnginx.ingressclassbyname=true',
    '--providers.kubernetesingressnginx.publishservice=ingress/switchyard',
    '--providers.kubernetesingressnginx.publishstatusaddress=203.0.113.7,lb.example.com',
    '--providers.kubernetesingressnginx.disablesvcexternalname=true',
  ]);
  assert.deepEqual(loaded.diagnostics, []);
  assert.deepEqual(loaded.config?.providers.kubernetesIngressNGINX, {
    endpoint: 'https://10.0.0.1:6443',
    token: '/var/run/token',
    certAuthFilePath: '/etc/ca.crt',
    throttleDuration: 2_000,
    watchNamespace: 'shop',
    ingressClass: 'public',
    controllerClass: 'example.com/edge',
    watchIngressWithoutClass: true,
    ingressClassByName: true,
    publishService: 'ingress/switchyard',
    publishStatusAddress: ['203.0.113.7', 'lb.example.com'],
    disableSvcExternalName: true,
    disableNonTLSRouters: false,
  });
});

test('reads the section from a file and from TRAEFIK_ variables', () => {
  const fromFile = load([], { file: 'providers:\n  kubernetesIngressNGINX:\n    ingressClass: public\n    publishStatusAddress: [203.0.113.7]\n' });
  assert.deepEqual(fromFile.diagnostics, []);
  assert.equal(fromFile.config?.providers.kubernetesIngressNGINX?.ingressClass, 'public');
  assert.deepEqual(fromFile.config?.providers.kubernetesIngressNGINX?.publishStatusAddress, ['203.0.113.7']);
  const fromEnv = load([], { env: { TRAEFIK_PROVIDERS_KUBERNETESINGRESSNGINX: 'true', TRAEFIK_PROVIDERS_KUBERNETESINGRESSNGINX_WATCHNAMESPACE: 'shop' } });
  assert.deepEqual(fromEnv.diagnostics, []);
  assert.equal(fromEnv.config?.providers.kubernetesIngressNGINX?.watchNamespace, 'shop');
  assert.equal(fromEnv.config?.providers.kubernetesIngressNGINX?.ingressClass, 'nginx');
});

test('experimental.kubernetesIngressNGINX is accepted without a warning and not required', () => {
  const flag = load(['--experimental.kubernetesingressnginx=true', '--providers.kubernetesingressnginx']);
  assert.deepEqual(flag.diagnostics, []);
  assert.ok(flag.config?.providers.kubernetesIngressNGINX);
  const file = load([], { file: 'experimental:\n  kubernetesIngressNGINX: true\n  plugins: {}\nproviders:\n  kubernetesIngressNGINX: {}\n' });
  // The other experimental keys are still reported.
  assert.deepEqual(file.diagnostics.map((d) => `${d.severity} ${d.code} ${d.path}`), ['warning STATIC_KEY_NOT_SUPPORTED experimental']);
  assert.ok(file.config?.providers.kubernetesIngressNGINX);
  assert.deepEqual(load(['--experimental.kubernetesingressnginx=true']).diagnostics, []);
});

test('ingress-nginx defaults Switchyard does not read are warnings naming the key; start continues', () => {
  const loaded = load([
    '--providers.kubernetesingressnginx.proxyconnecttimeout=60',
    '--providers.kubernetesingressnginx.customhttperrors=404,503',
    '--providers.kubernetesingressnginx.defaultbackendservice=ingress/fallback',
    '--providers.kubernetesingressnginx.ipallowliststrategy.depth=2',
  ]);
  assert.ok(loaded.config?.providers.kubernetesIngressNGINX);
  assert.deepEqual(loaded.diagnostics.map((d) => `${d.severity} ${d.code} ${d.path}`).sort(), [
    'warning STATIC_KEY_NOT_SUPPORTED providers.kubernetesingressnginx.customhttperrors',
    'warning STATIC_KEY_NOT_SUPPORTED providers.kubernetesingressnginx.defaultbackendservice',
    'warning STATIC_KEY_NOT_SUPPORTED providers.kubernetesingressnginx.ipallowliststrategy',
    'warning STATIC_KEY_NOT_SUPPORTED providers.kubernetesingressnginx.proxyconnecttimeout',
  ]);
});

test('options that would narrow what is served are errors until Switchyard implements them', () => {
  const cases: [string, string][] = [
    ['--providers.kubernetesingressnginx.watchnamespaceselector=team=shop', 'providers.kubernetesIngressNGINX.watchNamespaceSelector'],
    ['--providers.kubernetesingressnginx.httpentrypoint=web', 'providers.kubernetesIngressNGINX.httpEntryPoint'],
    ['--providers.kubernetesingressnginx.httpsentrypoint=websecure', 'providers.kubernetesIngressNGINX.httpsEntryPoint'],
    ['--providers.kubernetesingressnginx.disablenontlsrouters=true', 'providers.kubernetesIngressNGINX.disableNonTLSRouters'],
  ];
  for (const [flag, path] of cases) {
    const loaded = load([flag]);
    assert.equal(loaded.config, null, flag);
    assert.equal(loaded.diagnostics[0]?.path, path, flag);
    assert.match(loaded.diagnostics[0]!.message, /not supported by Switchyard yet/);
  }
});

test('a publishService that is not namespace/name is an error naming the field', () => {
  const loaded = load(['--providers.kubernetesingressnginx.publishservice=switchyard']);
  assert.equal(loaded.config, null);
  assert.equal(loaded.diagnostics[0]?.path, 'providers.kubernetesIngressNGINX.publishService');
  assert.equal(loaded.diagnostics[0]?.message, 'expected namespace/name, got "switchyard"');
});

test('an unknown option is an error naming the nearest one', () => {
  const loaded = load(['--providers.kubernetesingressnginx.ingressclas=nginx']);
  assert.equal(loaded.config, null);
  assert.equal(loaded.diagnostics[0]?.message, 'unknown field "ingressclas"; did you mean "ingressClass"?');
});

test('kubernetesCRD.crossProviderNamespaces is known but refused, naming the key, rather than ignored', () => {
  const loaded = loadStaticConfig({ argv: ['--providers.kubernetesCRD.crossProviderNamespaces=trusted'], env: {}, cwd: '/srv' });
  assert.equal(loaded.config, null);
  assert.ok(loaded.diagnostics.some((d) => d.path === 'providers.kubernetesCRD.crossProviderNamespaces' && d.severity === 'error'), JSON.stringify(loaded.diagnostics));
});
