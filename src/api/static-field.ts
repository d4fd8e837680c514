/**
 * Reading the static configuration as the API receives it (`unknown`: as configured). Keys are
 * matched case-insensitively, as Traefik's decoder reads them.
 */
import { isPlainObject } from '../config/config-object.ts';

/** A field of a configuration object, or undefined. */
export function staticField(object: unknown, key: string): unknown {
  if (!isPlainObject(object)) return undefined;
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(object)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/**
 * True when a section is enabled: present, even empty (`accessLog: {}`, or `accessLog:` in
 * YAML, which reads as null), and not `false`.
 */
export function hasStaticSection(object: unknown, key: string): boolean {
  if (!isPlainObject(object)) return false;
  const lower = key.toLowerCase();
  return Object.keys(object).some((k) => k.toLowerCase() === lower) && staticField(object, key) !== false;
}
