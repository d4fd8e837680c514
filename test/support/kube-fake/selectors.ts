/**
 * Label and field selectors as the API server parses them from `labelSelector=` and
 * `fieldSelector=`. Labels: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`,
 * `k>n`, `k<n`, comma-separated, all must hold. Fields: `path=v`, `path==v`, `path!=v` on any
 * dotted path (the real server allows only a per-kind list — metadata.name and
 * metadata.namespace everywhere — and answers 400 for others; the fake is more lenient).
 */
import { badRequest } from './api-errors.ts';
import { isRecord, readPath } from './fake-object.ts';

type LabelRequirement =
  | { readonly op: 'eq' | 'neq'; readonly key: string; readonly value: string }
  | { readonly op: 'in' | 'notin'; readonly key: string; readonly values: readonly string[] }
  | { readonly op: 'exists' | 'absent'; readonly key: string }
  | { readonly op: 'gt' | 'lt'; readonly key: string; readonly value: number };

interface FieldRequirement {
  readonly path: string;
  readonly op: 'eq' | 'neq';
  readonly value: string;
}

/** A parsed pair of selectors; `matches` tests an object against both. */
export interface Selector {
  matches(object: unknown): boolean;
  /** No requirement at all (the server then reports remainingItemCount on paged lists). */
  readonly empty: boolean;
}

/** Splits on commas outside parentheses. */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

const labelKey = /^([a-z0-9A-Z]([-a-z0-9A-Z.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-_.a-z0-9A-Z]*[a-z0-9A-Z])?$/;

function checkKey(key: string, selector: string): string {
  if (!labelKey.test(key)) throw badRequest(`unable to parse requirement: invalid label key "${key}" in selector "${selector}"`);
  return key;
}

export function parseLabelSelector(selector: string): LabelRequirement[] {
  return splitTop(selector).map((part): LabelRequirement => {
    const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
    if (set !== null) {
      const values = set[3]!.split(',').map((v) => v.trim()).filter((v) => v !== '');
      return { op: set[2] === 'in' ? 'in' : 'notin', key: checkKey(set[1]!, selector), values };
    }
    const cmp = /^([^=!<>\s]+)\s*(==|=|!=|>|<)\s*(\S*)$/.exec(part);
    if (cmp !== null) {
      const key = checkKey(cmp[1]!, selector);
      const value = cmp[3]!;
      if (cmp[2] === '>' || cmp[2] === '<') {
        const n = Number(value);
        if (!Number.isInteger(n)) throw badRequest(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer in selector "${selector}"`);
        return { op: cmp[2] === '>' ? 'gt' : 'lt', key, value: n };
      }
      return { op: cmp[2] === '!=' ? 'neq' : 'eq', key, value };
    }
    if (part.startsWith('!')) return { op: 'absent', key: checkKey(part.slice(1).trim(), selector) };
    return { op: 'exists', key: checkKey(part, selector) };
  });
}

export function parseFieldSelector(selector: string): FieldRequirement[] {
  return splitTop(selector).map((part) => {
    const m = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (m === null) throw badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    return { path: m[1]!, op: m[2] === '!=' ? 'neq' : 'eq', value: m[3]!.trim() };
  });
}

function labelsOf(object: unknown): Record<string, unknown> {
  const labels = readPath(object, 'metadata.labels');
  return isRecord(labels) ? labels : {};
}

function matchLabel(req: LabelRequirement, labels: Record<string, unknown>): boolean {
  const has = Object.hasOwn(labels, req.key);
  const value = has ? String(labels[req.key]) : undefined;
  switch (req.op) {
    case 'eq': return value === req.value;
    case 'neq': return value !== req.value;
    case 'in': return value !== undefined && req.values.includes(value);
    case 'notin': return value === undefined || !req.values.includes(value);
    case 'exists': return has;
    case 'absent': return !has;
    case 'gt': return value !== undefined && Number(value) > req.value;
    case 'lt': return value !== undefined && Number(value) < req.value;
    default: {
      const unreachable: never = req;
      return unreachable;
    }
  }
}

function fieldValue(object: unknown, path: string): string {
  const value = readPath(object, path);
  return value === undefined || value === null ? '' : String(value);
}

/** Parses both selector strings (absent or '' = everything); throws 400 BadRequest on bad syntax. */
export function parseSelector(labelSelector: string | undefined, fieldSelector: string | undefined): Selector {
  const labels = labelSelector === undefined ? [] : parseLabelSelector(labelSelector);
  const fields = fieldSelector === undefined ? [] : parseFieldSelector(fieldSelector);
  return {
    empty: labels.length === 0 && fields.length === 0,
    matches(object) {
      const objectLabels = labelsOf(object);
      return labels.every((r) => matchLabel(r, objectLabels))
        && fields.every((f) => (fieldValue(object, f.path) === f.value) === (f.op === 'eq'));
    },
  };
}
