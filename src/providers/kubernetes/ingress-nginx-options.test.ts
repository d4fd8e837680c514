import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { kubernetesIngressNginxProviderSchema } from '../../config/static-providers.ts';
import { ingressNginxOptions } from './ingress-nginx-options.ts';
import { watchedKinds, watchOptions } from './kubernetes-provider.ts';

describe('ingressNginxOptions', () => {
  it('reads the defaults as ingress-nginx class rules over all namespaces, ExternalName and empty Services allowed', () => {
    assert.deepEqual(ingressNginxOptions(kubernetesIngressNginxProviderSchema.parse({})), {
      classRules: 'ingress-nginx',
      ingressClass: 'nginx',
      controllerClass: 'k8s.io/ingress-nginx',
      ingressClassByName: false,
      watchIngressWithoutClass: false,
      namespaces: [],
      throttleDuration: 0,
      allowExternalNameServices: true,
      allowEmptyServices: true,
      publishService: undefined,
      publishStatusAddress: [],
    });
  });

  it('maps watchNamespace, disableSvcExternalName and the status options', () => {
    const options = ingressNginxOptions(kubernetesIngressNginxProviderSchema.parse({
      watchNamespace: 'shop', disableSvcExternalName: true, throttleDuration: '1s',
      publishService: 'ingress/switchyard', publishStatusAddress: '203.0.113.7',
    }));
    assert.deepEqual(options.namespaces, ['shop']);
    assert.equal(options.allowExternalNameServices, false);
    assert.equal(options.throttleDuration, 1_000);
    assert.equal(options.publishService, 'ingress/switchyard');
    assert.deepEqual(options.publishStatusAddress, ['203.0.113.7']);
  });

  it('watches the Ingress kinds, IngressClasses included', () => {
    const options = ingressNginxOptions(kubernetesIngressNginxProviderSchema.parse({ watchNamespace: 'shop' }));
    assert.deepEqual(watchedKinds('kubernetesingressnginx', options), watchedKinds('kubernetes', options));
    assert.ok(watchedKinds('kubernetesingressnginx', options).includes('IngressClass'));
    assert.deepEqual(watchOptions('kubernetesingressnginx', options), { namespaces: ['shop'], labelSelectors: { Secret: 'owner!=helm' } });
  });
});
