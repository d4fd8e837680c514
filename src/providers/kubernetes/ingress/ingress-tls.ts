/**
 * `spec.tls` of an Ingress: the certificates of its Secrets and the hosts they cover.
 *
 * Certificates follow Traefik: each `secretName` (same namespace) must hold non-empty `tls.crt`
 * and `tls.key`; it goes into `tls.certificates` as inline PEM, once per `<namespace>-<secret>`,
 * sorted by that key; the store picks a certificate by SNI. A missing or incomplete Secret is an
 * error on the Ingress, whose routers are still served (without that certificate).
 *
 * Hosts differ from Traefik on purpose: Traefik turns TLS on for a router only with the
 * `router.tls` annotation (or entry point TLS), so an Ingress with `spec.tls` and neither is not
 * served over HTTPS at all. Switchyard follows Kubernetes: the paths of a host listed in
 * `spec.tls[].hosts` (a section without hosts covers every host of the Ingress; `*.example.com`
 * covers `a.example.com`) also get an HTTPS router (`<router>-tls`, `tls: {}`), next to the plain
 * HTTP router Traefik would make.
 */
import type { KubeSnapshot } from '../kube-objects.ts';
import type { DiagnosticSink } from './ingress-diagnostics.ts';
import type { IngressModel } from './ingress-model.ts';
import { secretValue } from './secret-data.ts';

/** A certificate for `tls.certificates`. */
export interface IngressCertificate {
  readonly certFile: string;
  readonly keyFile: string;
}

/** Adds the certificates of `model`'s TLS sections to `certificates` (keyed `<namespace>-<secret>`). */
export function loadIngressCertificates(
  model: IngressModel, snapshot: KubeSnapshot, sink: DiagnosticSink, certificates: Map<string, IngressCertificate>,
): void {
  for (const tls of model.tls) {
    if (tls.secretName === '') continue;
    const key = `${model.namespace}-${tls.secretName}`;
    if (certificates.has(key)) continue;
    const ref = `${model.namespace}/${tls.secretName}`;
    const secret = snapshot.get('Secret', model.namespace, tls.secretName);
    if (secret === undefined) {
      sink.error('INGRESS_TLS_SECRET_NOT_FOUND', model.object, `${tls.field}.secretName`,
        `Secret ${ref} not found; the routers are served without this certificate`);
      continue;
    }
    const cert = secretValue(secret, 'tls.crt');
    const keyPem = secretValue(secret, 'tls.key');
    const problems = [['tls.crt', cert], ['tls.key', keyPem]]
      .filter(([, v]) => v === undefined || v === null || v === '')
      .map(([name, v]) => `${name as string} is ${v === undefined ? 'missing' : v === null ? 'not valid base64' : 'empty'}`);
    if (problems.length > 0) {
      sink.error('INGRESS_TLS_SECRET_INVALID', model.object, `${tls.field}.secretName`,
        `Secret ${ref}: ${problems.join(', ')}; the routers are served without this certificate`);
      continue;
    }
    certificates.set(key, { certFile: cert!, keyFile: keyPem! });
  }
}

/** Whether a TLS host entry covers a rule host. */
function covers(tlsHost: string, host: string): boolean {
  const a = tlsHost.toLowerCase();
  const b = host.toLowerCase();
  if (a === b) return true;
  if (!a.startsWith('*.') || b === '' || b.startsWith('*.')) return false;
  const dot = b.indexOf('.');
  return dot > 0 && b.slice(dot) === a.slice(1);
}

/** The predicate "the Ingress has a TLS section for this rule host". */
export function tlsHostPredicate(model: IngressModel): (host: string) => boolean {
  if (model.tls.length === 0) return () => false;
  if (model.tls.some((t) => t.hosts.length === 0)) return () => true;
  const hosts = model.tls.flatMap((t) => t.hosts);
  return (host) => hosts.some((h) => covers(h, host));
}
