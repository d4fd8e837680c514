/**
 * Traefik's name qualification: every object is stored as `name@provider`; a reference without
 * `@` takes the provider of the object that references it, a reference with `@` is used as is.
 */

/** Qualifies `ref` with `provider` unless it already names one. */
export function qualifyName(ref: string, provider: string): string {
  return ref.includes('@') ? ref : `${ref}@${provider}`;
}

/** Splits `name@provider`; the provider is '' when absent. */
export function splitQualifiedName(qualified: string): { name: string; provider: string } {
  const at = qualified.lastIndexOf('@');
  return at < 0 ? { name: qualified, provider: '' } : { name: qualified.slice(0, at), provider: qualified.slice(at + 1) };
}
