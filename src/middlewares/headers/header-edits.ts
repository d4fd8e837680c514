/**
 * Header edits the headers middleware precomputes: names lowered once at build time, so the
 * request path only scans and appends.
 */
import { deleteHeader } from '../../lib/exchange.ts';

/** Replaces every line of a header with one line; `lower` is `name` lower-cased. */
export function putHeader(headers: string[], name: string, lower: string, value: string): void {
  deleteHeader(headers, lower);
  headers.push(name, value);
}

/** One configured header: set it to `value`, or delete it when `value` is ''. */
export interface HeaderEdit {
  readonly name: string;
  readonly lower: string;
  readonly value: string;
}

/** The edits of a `customRequestHeaders`/`customResponseHeaders` map, in configuration order. */
export function headerEdits(map: Readonly<Record<string, string>> | undefined): HeaderEdit[] {
  return Object.entries(map ?? {}).map(([name, value]) => ({ name, lower: name.toLowerCase(), value }));
}

/** Applies edits in order: '' deletes every line of the header, anything else replaces them. */
export function applyHeaderEdits(headers: string[], edits: readonly HeaderEdit[]): void {
  for (let i = 0; i < edits.length; i++) {
    const edit = edits[i]!;
    if (edit.value === '') deleteHeader(headers, edit.lower);
    else putHeader(headers, edit.name, edit.lower, edit.value);
  }
}
