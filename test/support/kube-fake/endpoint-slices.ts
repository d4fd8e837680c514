/**
 * What Kubernetes' EndpointSlice controller writes for a Service, given the Service's pods: one
 * or more `discovery.k8s.io/v1` EndpointSlices labelled `kubernetes.io/service-name=<svc>` and
 * `endpointslice.kubernetes.io/managed-by=endpointslice-controller.k8s.io`, owned by the
 * Service, one address type each (IPv4 / IPv6), at most `maxEndpointsPerSlice` endpoints each
 * (100, the controller's default), and an empty placeholder slice when there is no pod.
 *
 * Conditions follow the controller: `serving` is the pod's readiness, `terminating` is "the pod
 * has a deletionTimestamp", `ready` is `serving && !terminating` (always true when the Service
 * sets publishNotReadyAddresses). All three are always written.
 *
 * Slices are reconciled like the controller does: existing ones are reused (rewritten only if
 * their content changed, so an unchanged call produces no watch event), new ones get a generated
 * name (`<svc>-xxxxx`), surplus ones are deleted.
 */
import { isIPv6 } from 'node:net';
import { isRecord, jsonEqual, objectKey, type FakeObject } from './fake-object.ts';
import { createObject, deleteObject, replaceObject, type WriteContext } from './object-writes.ts';
import type { ResourceType } from './resource-registry.ts';

/** A pod backing the Service, as far as the EndpointSlice controller cares. */
export interface FakePod {
  readonly name: string;
  readonly ip: string;
  /** The pod's Ready condition (default true). */
  readonly ready?: boolean;
  /** The pod is being deleted, i.e. has a deletionTimestamp (default false). */
  readonly terminating?: boolean;
  /** Overrides the computed `serving` condition (default: `ready`); only for unusual cases. */
  readonly serving?: boolean;
  readonly nodeName?: string;
  readonly zone?: string;
  readonly hostname?: string;
}

/** A port of the slices (the resolved target port, named like the Service port). */
export interface FakeEndpointPort {
  /** The Service port's name ('' when the Service port is unnamed). */
  readonly name?: string;
  readonly port: number;
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
  readonly appProtocol?: string;
}

export interface SetPodsOptions {
  /** Endpoints per slice before another slice is started (default 100, as the controller). */
  readonly maxEndpointsPerSlice?: number;
}

export const serviceNameLabel = 'kubernetes.io/service-name';
export const managedByLabel = 'endpointslice.kubernetes.io/managed-by';
export const controllerName = 'endpointslice-controller.k8s.io';

/** Slice ports from the Service's ports: numeric targetPort, else the port itself. */
function portsFromService(service: FakeObject): FakeEndpointPort[] {
  const spec = isRecord(service['spec']) ? service['spec'] : {};
  const ports = Array.isArray(spec['ports']) ? spec['ports'].filter(isRecord) : [];
  return ports.map((p, i) => {
    const target = p['targetPort'];
    if (typeof target === 'string' && !/^\d+$/.test(target)) {
      throw new Error(`setPods: Service ${service.metadata.namespace}/${service.metadata.name} spec.ports[${i}].targetPort is the named port "${target}": pass the slice ports explicitly`);
    }
    const port = target === undefined ? Number(p['port']) : Number(target);
    return {
      name: typeof p['name'] === 'string' ? p['name'] : '',
      port,
      protocol: (typeof p['protocol'] === 'string' ? p['protocol'] : 'TCP') as 'TCP' | 'UDP' | 'SCTP',
      ...(typeof p['appProtocol'] === 'string' ? { appProtocol: p['appProtocol'] } : {}),
    };
  });
}

function endpointOf(namespace: string, pod: FakePod, publishNotReady: boolean): Record<string, unknown> {
  const podReady = pod.ready ?? true;
  const terminating = pod.terminating ?? false;
  const serving = pod.serving ?? podReady;
  return {
    addresses: [pod.ip],
    conditions: { ready: publishNotReady || (serving && !terminating), serving, terminating },
    ...(pod.hostname === undefined ? {} : { hostname: pod.hostname }),
    ...(pod.nodeName === undefined ? {} : { nodeName: pod.nodeName }),
    targetRef: { kind: 'Pod', namespace, name: pod.name },
    ...(pod.zone === undefined ? {} : { zone: pod.zone }),
  };
}

interface DesiredSlice {
  readonly addressType: 'IPv4' | 'IPv6';
  readonly endpoints: Record<string, unknown>[] | null;
  readonly ports: Record<string, unknown>[] | null;
}

function desiredSlices(service: FakeObject, pods: readonly FakePod[], ports: readonly FakeEndpointPort[], max: number): DesiredSlice[] {
  const spec = isRecord(service['spec']) ? service['spec'] : {};
  const namespace = service.metadata.namespace ?? '';
  const publishNotReady = spec['publishNotReadyAddresses'] === true;
  const slicePorts = ports.map((p) => ({
    name: p.name ?? '',
    port: p.port,
    protocol: p.protocol ?? 'TCP',
    ...(p.appProtocol === undefined ? {} : { appProtocol: p.appProtocol }),
  }));
  if (pods.length === 0) {
    const families = Array.isArray(spec['ipFamilies']) ? spec['ipFamilies'] : [];
    return [{ addressType: families[0] === 'IPv6' ? 'IPv6' : 'IPv4', endpoints: null, ports: null }];
  }
  const slices: DesiredSlice[] = [];
  for (const addressType of ['IPv4', 'IPv6'] as const) {
    const family = pods.filter((p) => isIPv6(p.ip) === (addressType === 'IPv6'));
    for (let i = 0; i < family.length; i += max) {
      slices.push({ addressType, endpoints: family.slice(i, i + max).map((p) => endpointOf(namespace, p, publishNotReady)), ports: slicePorts });
    }
  }
  return slices;
}

/**
 * Makes the Service's EndpointSlices reflect `pods`; returns the slices (as stored) in creation
 * order. `ports` defaults to the Service's ports (numeric targetPorts only). Throws if the Service
 * does not exist.
 */
export function reconcileEndpointSlices(ctx: WriteContext, namespace: string, serviceName: string, pods: readonly FakePod[], ports: readonly FakeEndpointPort[] | undefined, options: SetPodsOptions = {}): FakeObject[] {
  const service = ctx.store.get('services', objectKey(namespace, serviceName));
  if (service === undefined) throw new Error(`setPods: Service ${namespace}/${serviceName} not found: apply the Service first`);
  const sliceType = ctx.registry.find('discovery.k8s.io', 'v1', 'endpointslices') as ResourceType;
  const max = options.maxEndpointsPerSlice ?? 100;
  const desired = desiredSlices(service, pods, ports ?? portsFromService(service), max);
  const spec = isRecord(service['spec']) ? service['spec'] : {};
  const labels: Record<string, string> = {
    ...service.metadata.labels,
    [serviceNameLabel]: serviceName,
    [managedByLabel]: controllerName,
    ...(spec['clusterIP'] === 'None' ? { 'service.kubernetes.io/headless': '' } : {}),
  };
  const ownerReferences = [{ apiVersion: 'v1', kind: 'Service', name: serviceName, uid: service.metadata.uid!, controller: true, blockOwnerDeletion: true }];
  const existing = ctx.store.list(sliceType.key)
    .filter((s) => s.metadata.namespace === namespace && s.metadata.labels?.[serviceNameLabel] === serviceName && s.metadata.labels?.[managedByLabel] === controllerName)
    .sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name));
  const unused = [...existing];
  const result: FakeObject[] = [];
  for (const slice of desired) {
    const reuse = unused.findIndex((s) => s['addressType'] === slice.addressType);
    const body = { addressType: slice.addressType, endpoints: slice.endpoints, ports: slice.ports };
    if (reuse >= 0) {
      const [old] = unused.splice(reuse, 1);
      const next = { ...old!, ...body, metadata: { ...old!.metadata, labels, ownerReferences } };
      result.push(jsonEqual(next, old) ? old! : replaceObject(ctx, sliceType, 'v1', namespace, old!.metadata.name, next));
    } else {
      result.push(createObject(ctx, sliceType, 'v1', namespace, {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { generateName: `${serviceName}-`, namespace, labels, ownerReferences },
        ...body,
      }));
    }
  }
  for (const stale of unused) deleteObject(ctx, sliceType, namespace, stale.metadata.name, undefined);
  return result;
}
