/**
 * Traefik 1.x path annotations on an Ingress: `rule-type` (PathPrefix, Path, PathStrip,
 * PathPrefixStrip, deprecated ReplacePath), `rewrite-target` and `request-modifier`
 * (`AddPrefix: /x`, `ReplacePath: /x`, `ReplacePathRegex: regex replacement`). 1.x turned each
 * Ingress path into a 1.x rule (`PathPrefixStrip:/api;ReplacePathRegex: ^/api(.*) /users$1`); the
 * same rule goes through the file provider's 1.x rule translator, which yields the v3 matcher
 * and the path modifiers (stripPrefix, addPrefix, replacePath, replacePathRegex).
 *
 * The matcher is used only for `ImplementationSpecific` paths (the pathType 1.x Ingresses
 * become); `Exact` and `Prefix` keep the Kubernetes matching, and the rule type then only adds
 * its modifier (PathStrip/PathPrefixStrip strip the Ingress path).
 */
import { translateV1Routes, type V1PathModifiers } from '../../file/legacy-v1/translate-v1-rule.ts';
import type { DiagnosticSink } from './ingress-diagnostics.ts';
import { annotationPath } from './ingress-diagnostics.ts';
import type { AnnotationReader } from './annotation-values.ts';
import { createV1Bridge, v1Key } from './v1-bridge.ts';

/** The 1.x path options read on an Ingress. */
export const v1PathOptions = ['rule-type', 'rewrite-target', 'request-modifier'] as const;

const ruleTypes = ['PathPrefix', 'Path', 'PathStrip', 'PathPrefixStrip', 'ReplacePath'];
const modifierTypes = ['AddPrefix', 'ReplacePath', 'ReplacePathRegex'];

/** A path's 1.x matcher and middlewares (named by suffix, in 1.x's order). */
export interface V1PathTranslation {
  readonly expression: string;
  readonly middlewares: readonly (readonly [suffix: string, config: Readonly<Record<string, unknown>>])[];
}

/** Translates the 1.x path annotations; a function of the Ingress path, or undefined when none is set. */
export function readV1PathAnnotations(
  reader: AnnotationReader, sink: DiagnosticSink,
): ((path: string) => V1PathTranslation | null) | undefined {
  const keys = new Map(v1PathOptions.map((o) => [o, v1Key(reader.all, o)] as const).filter(([, k]) => k !== undefined) as [string, string][]);
  if (keys.size === 0) return undefined;
  const ruleType = keys.has('rule-type') ? reader.string(keys.get('rule-type')!)!.trim() : 'PathPrefix';
  const rewrite = keys.has('rewrite-target') ? reader.string(keys.get('rewrite-target')!)! : '';
  const modifier = keys.has('request-modifier') ? reader.string(keys.get('request-modifier')!)!.replace(/[ :]+$/, '') : '';
  let valid = true;
  if (!ruleTypes.includes(ruleType)) {
    reader.invalid(keys.get('rule-type')!, `expected ${ruleTypes.join(', ')}, got ${JSON.stringify(ruleType)} (Traefik 1.x refused it too)`);
    valid = false;
  } else if (ruleType === 'ReplacePath') {
    sink.warn('INGRESS_ANNOTATION_UNSUPPORTED', reader.object, annotationPath(keys.get('rule-type')!),
      'rule-type ReplacePath is deprecated (Traefik 1.x); use request-modifier: "ReplacePath: /path"');
  }
  if (rewrite !== '' && ruleType === 'ReplacePath') {
    reader.invalid(keys.get('rewrite-target')!, 'rewrite-target cannot be used with rule-type ReplacePath (Traefik 1.x refused it too)');
    valid = false;
  }
  const colon = modifier.indexOf(':');
  const modifierType = colon < 0 ? modifier : modifier.slice(0, colon).trim();
  const modifierValue = colon < 0 ? '' : modifier.slice(colon + 1).trim();
  if (modifier !== '' && (!modifierTypes.includes(modifierType) || modifierValue === '')) {
    reader.invalid(keys.get('request-modifier')!, `expected "AddPrefix: /path", "ReplacePath: /path" or "ReplacePathRegex: regex replacement", got ${JSON.stringify(modifier)}`);
    valid = false;
  } else if (modifier !== '' && ruleType === 'ReplacePath') {
    reader.invalid(keys.get('request-modifier')!, 'request-modifier cannot be used with rule-type ReplacePath (Traefik 1.x refused it too)');
    valid = false;
  }
  if (!valid) return () => null;

  return (path) => {
    if (path === '') return { expression: '', middlewares: [] };
    const bridge = createV1Bridge(reader.object);
    const routes = [{ rule: `${ruleType}:${path}`, path: ['rule-type'] }];
    bridge.from('rule-type', keys.get('rule-type') ?? keys.values().next().value!);
    if (rewrite !== '') {
      routes.push({ rule: `ReplacePathRegex: ^${path}(.*) ${rewrite.replace(/\/+$/, '')}$1`, path: ['rewrite-target'] });
      bridge.from('rewrite-target', keys.get('rewrite-target')!);
    }
    if (modifier !== '') {
      routes.push({ rule: `${modifierType}:${modifierValue}`, path: ['request-modifier'] });
      bridge.from('request-modifier', keys.get('request-modifier')!);
    }
    const translated = translateV1Routes(routes, bridge.ctx);
    bridge.flush(sink);
    if (translated === undefined) return null;
    return { expression: translated.rule, middlewares: modifierMiddlewares(translated.modifiers) };
  };
}

function modifierMiddlewares(m: V1PathModifiers): [string, Record<string, unknown>][] {
  const out: [string, Record<string, unknown>][] = [];
  if (m.stripPrefixRegex !== undefined) out.push(['pathstripregex', { stripPrefixRegex: { regex: m.stripPrefixRegex } }]);
  if (m.stripPrefix !== undefined) out.push(['pathstrip', { stripPrefix: { prefixes: m.stripPrefix } }]);
  if (m.addPrefix !== undefined) out.push(['addprefix', { addPrefix: { prefix: m.addPrefix } }]);
  if (m.replacePathRegex !== undefined) out.push(['replacepathregex', { replacePathRegex: m.replacePathRegex }]);
  if (m.replacePath !== undefined) out.push(['replacepath', { replacePath: { path: m.replacePath } }]);
  return out;
}
