/**
 * What every part of the CRD translation shares: the snapshot, the provider options, the CRD
 * objects in effect (both API groups), the output being built and the diagnostics.
 */
import type { Diagnostic } from '../../../config/diagnostics.ts';
import type { KubeObject, KubeSnapshot } from '../kube-objects.ts';
import type { CrdObjects } from './crd-objects.ts';
import type { CrdOutput } from './crd-output.ts';
import { createObjectReport, type ObjectReport } from './crd-report.ts';

/**
 * The `providers.kubernetesCRD` settings the translation reads (the static config object can be
 * passed as is); every flag defaults to false, as in Traefik.
 */
export interface CrdTranslateOptions {
  /** References to Services, Middlewares, TraefikServices, TLSOptions… in other namespaces. */
  readonly allowCrossNamespace?: boolean | undefined;
  /** Services of type ExternalName as servers. */
  readonly allowExternalNameServices?: boolean | undefined;
  /** Services without servers are kept (they answer 503) instead of leaving their route out. */
  readonly allowEmptyServices?: boolean | undefined;
  /** The ClusterIP as the only server unless a service entry says `nativeLB: false`. */
  readonly nativeLBByDefault?: boolean | undefined;
  /** Only IngressRoutes of this class (none: those without a class or of class `traefik`). */
  readonly ingressClass?: string | undefined;
  /** Nodes are not watched, so `nodePortLB` cannot be honoured. */
  readonly disableClusterScopeResources?: boolean | undefined;
}

/** The shared state of one translation. */
export interface CrdContext {
  readonly snapshot: KubeSnapshot;
  readonly options: CrdTranslateOptions;
  readonly objects: CrdObjects;
  readonly output: CrdOutput;
  readonly diagnostics: Diagnostic[];
  /** A new report about `object`. */
  report(object: KubeObject): ObjectReport;
}

/** Creates the context of one translation. */
export function createCrdContext(
  snapshot: KubeSnapshot, options: CrdTranslateOptions, objects: CrdObjects, output: CrdOutput, diagnostics: Diagnostic[],
): CrdContext {
  return { snapshot, options, objects, output, diagnostics, report: (object) => createObjectReport(object, diagnostics) };
}
