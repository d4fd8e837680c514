/**
 * A canonical serialisation for comparing snapshots: object keys sorted, `undefined` members
 * left out, Maps and Sets written as sorted entries. Two values that mean the same configuration
 * serialise to the same string whatever order a provider built them in.
 */

/** Serialises `value` canonically (JSON-like; not meant to be parsed back). */
export function canonicalJson(value: unknown): string {
  return write(value, new Set());
}

function write(value: unknown, seen: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      // JSON writes NaN and ±Infinity as null; keep them distinct from null and from each other.
      return Number.isFinite(value) ? JSON.stringify(value) : `"#${String(value)}"`;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return `${value}n`;
    case 'undefined':
    case 'function':
    case 'symbol':
      return 'null';
    case 'object':
      return writeObject(value, seen);
  }
}

function writeObject(value: object | null, seen: Set<object>): string {
  if (value === null) return 'null';
  if (seen.has(value)) throw new TypeError('canonicalJson: cyclic value');
  seen.add(value);
  try {
    if (Array.isArray(value)) return `[${value.map((item) => write(item, seen)).join(',')}]`;
    if (value instanceof Date) return JSON.stringify(value.toISOString());
    if (value instanceof Map) {
      const entries = [...value].map(([k, v]) => `${write(k, seen)}:${write(v, seen)}`).sort();
      return `{#map ${entries.join(',')}}`;
    }
    if (value instanceof Set) {
      const items = [...value].map((item) => write(item, seen)).sort();
      return `[#set ${items.join(',')}]`;
    }
    const record = value as Record<string, unknown>;
    const members: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const member = record[key];
      if (member === undefined) continue;
      members.push(`${JSON.stringify(key)}:${write(member, seen)}`);
    }
    return `{${members.join(',')}}`;
  } finally {
    seen.delete(value);
  }
}
