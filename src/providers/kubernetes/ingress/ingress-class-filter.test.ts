import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { snapshotOf, type KubeObject } from '../kube-objects.ts';
import { createIngressClassFilter, type IngressClassOptions } from './ingress-class-filter.ts';

function ingressClass(name: string, controller: string): KubeObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name }, spec: { controller } };
}

function ingress(name: string, how: { className?: unknown; annotation?: string }): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress',
    metadata: { name, namespace: 'default', ...(how.annotation === undefined ? {} : { annotations: { 'kubernetes.io/ingress.class': how.annotation } }) },
    spec: how.className === undefined ? {} : { ingressClassName: how.className },
  };
}

const classes = [ingressClass('nginx', 'k8s.io/ingress-nginx'), ingressClass('public', 'example.com/edge'), ingressClass('traefik', 'traefik.io/ingress-controller')];

const ingresses = [
  ingress('class-nginx', { className: 'nginx' }),
  ingress('class-public', { className: 'public' }),
  ingress('class-traefik', { className: 'traefik' }),
  ingress('class-unknown', { className: 'unknown' }),
  ingress('annotation-nginx', { annotation: 'nginx' }),
  ingress('annotation-public', { annotation: 'public' }),
  ingress('annotation-traefik', { annotation: 'traefik' }),
  ingress('annotation-empty', { annotation: '' }),
  ingress('no-class', {}),
  ingress('class-not-a-string', { className: 42 }),
];

function served(objects: readonly KubeObject[], options: IngressClassOptions): string[] {
  const accepts = createIngressClassFilter(snapshotOf(objects), options);
  return objects.filter((o) => o.kind === 'Ingress' && accepts(o)).map((o) => o.metadata.name);
}

describe('ingress-nginx class rules', () => {
  const cases: [string, IngressClassOptions, readonly KubeObject[], string[]][] = [
    ['serve the classes of controller k8s.io/ingress-nginx and the annotation nginx by default',
      { classRules: 'ingress-nginx' }, classes, ['class-nginx', 'annotation-nginx']],
    ['with ingressClassByName, add the class named ingressClass to those of the controller',
      { classRules: 'ingress-nginx', ingressClass: 'public', ingressClassByName: true }, classes, ['class-nginx', 'class-public', 'annotation-public']],
    ['without ingressClassByName, read ingressClass only for the annotation',
      { classRules: 'ingress-nginx', ingressClass: 'public' }, classes, ['class-nginx', 'annotation-public']],
    ['follow controllerClass', { classRules: 'ingress-nginx', controllerClass: 'example.com/edge' }, classes, ['class-public', 'annotation-nginx']],
    ['with watchIngressWithoutClass, serve Ingresses with neither class nor annotation',
      { classRules: 'ingress-nginx', watchIngressWithoutClass: true }, classes, ['class-nginx', 'annotation-nginx', 'no-class', 'class-not-a-string']],
    ['judge an ingressClassName by annotation and watchIngressWithoutClass when none of the IngressClasses is ours (as Traefik)',
      { classRules: 'ingress-nginx', watchIngressWithoutClass: true }, [ingressClass('traefik', 'traefik.io/ingress-controller')],
      ['class-nginx', 'class-public', 'class-traefik', 'class-unknown', 'annotation-nginx', 'no-class', 'class-not-a-string']],
  ];
  for (const [title, options, ics, expected] of cases) {
    it(title, () => assert.deepEqual(served([...ics, ...ingresses], options), expected));
  }
});

describe('Traefik class rules', () => {
  it('stay the default', () => {
    assert.deepEqual(served([...classes, ...ingresses], {}), ['class-traefik', 'annotation-traefik', 'annotation-empty', 'no-class', 'class-not-a-string']);
    assert.deepEqual(served([...classes, ...ingresses], { classRules: 'traefik' }), ['class-traefik', 'annotation-traefik', 'annotation-empty', 'no-class', 'class-not-a-string']);
  });
});
