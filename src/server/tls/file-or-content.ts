/**
 * Traefik's `FileOrContent`: a certificate, key or CA value is either a path or the PEM text
 * itself.
 *
 * Differs from Traefik in how the two are told apart: Traefik treats the value as a path when
 * `stat` succeeds and as content otherwise, so a missing file is parsed as PEM and fails with
 * "failed to find any PEM data". Here a value containing a PEM header (`-----BEGIN`) is content
 * and anything else is a path, so a missing file is reported as a file that cannot be read.
 */

/** Reads a file as text (injected: tests and the control plane decide how). */
export type ReadTextFile = (path: string) => string;

/** The outcome of reading one FileOrContent value. */
export type FileOrContent =
  | { readonly ok: true; readonly content: string; readonly path: string | null }
  | { readonly ok: false; readonly path: string; readonly error: string };

/** True when `value` is inline PEM content rather than a path. */
export function isInlinePem(value: string): boolean {
  return value.includes('-----BEGIN');
}

/** Reads `value` as inline PEM content or as the file it names. */
export function readFileOrContent(value: string, readFile: ReadTextFile): FileOrContent {
  if (isInlinePem(value)) return { ok: true, content: value, path: null };
  try {
    return { ok: true, content: readFile(value), path: value };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error);
    return { ok: false, path: value, error: reason };
  }
}

/** How a value is named in messages: the path, or `inline content` (never the PEM text: it may be a key). */
export function describeFileOrContent(value: string): string {
  return isInlinePem(value) ? 'inline content' : value;
}
