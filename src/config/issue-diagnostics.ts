/**
 * Turns zod issues into Switchyard diagnostics: stable code, dotted path, source location and a
 * message saying what was expected.
 */
import type { z } from 'zod';
import type { Diagnostic, SourceLocation } from './diagnostics.ts';
import { unknownFieldMessage } from './config-object.ts';
import { describeValue, type ConfigIssueCode } from './issue-codes.ts';

/** A path into a configuration document: keys and list indexes from the root. */
export type ConfigPath = readonly (string | number)[];

/** Maps a path to where it is written, when the source is a file. */
export type Locate = (path: ConfigPath) => SourceLocation | undefined;

/** Formats a path as `http.services.api.loadBalancer.servers[0].url`. */
export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}

/** The location of `path`, or of its nearest ancestor that has one. */
export function locateNearest(locate: Locate | undefined, path: ConfigPath): SourceLocation | undefined {
  if (locate === undefined) return undefined;
  for (let length = path.length; length >= 0; length--) {
    const found = locate(path.slice(0, length));
    if (found !== undefined) return found;
  }
  return undefined;
}

const expectedWords: Readonly<Record<string, string>> = {
  object: 'an object (a map of field names to values)',
  record: 'a map of names to values',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
};

function toPath(issuePath: readonly PropertyKey[]): (string | number)[] {
  return issuePath.map((part) => (typeof part === 'number' ? part : String(part)));
}

function describe(issue: z.core.$ZodIssue): { code: ConfigIssueCode; message: string } {
  switch (issue.code) {
    case 'custom': {
      const params = issue.params ?? {};
      const code = (params['code'] as ConfigIssueCode | undefined) ?? 'CONFIG_INVALID_VALUE';
      if (code === 'CONFIG_UNKNOWN_FIELD') {
        const field = String(issue.path[issue.path.length - 1] ?? '');
        return { code, message: unknownFieldMessage(field, (params['knownFields'] as string[] | undefined) ?? []) };
      }
      return { code, message: issue.message };
    }
    case 'invalid_type':
      if (issue.input === undefined) {
        return { code: 'CONFIG_MISSING_FIELD', message: `required field is missing; expected ${expectedWords[issue.expected] ?? issue.expected}` };
      }
      return {
        code: 'CONFIG_INVALID_TYPE',
        message: `expected ${expectedWords[issue.expected] ?? issue.expected}, got ${describeValue(issue.input)}`,
      };
    default:
      return { code: 'CONFIG_INVALID_VALUE', message: issue.message };
  }
}

/** Converts the issues of one parse into error diagnostics rooted at `base`. */
export function issuesToDiagnostics(
  issues: readonly z.core.$ZodIssue[],
  base: ConfigPath,
  resource: string,
  locate: Locate | undefined,
): Diagnostic[] {
  return issues.map((issue) => {
    const path = [...base, ...toPath(issue.path)];
    const { code, message } = describe(issue);
    const source = locateNearest(locate, path);
    return {
      severity: 'error', code, resource, path: formatPath(path), message,
      ...(source === undefined ? {} : { source }),
    };
  });
}

/** One diagnostic built by hand (not from a zod issue). */
export function makeDiagnostic(
  severity: Diagnostic['severity'], code: string, resource: string, path: ConfigPath, message: string,
  locate: Locate | undefined,
): Diagnostic {
  const source = locateNearest(locate, path);
  return { severity, code, resource, path: formatPath(path), message, ...(source === undefined ? {} : { source }) };
}
