/**
 * What a provider emits: its full view, never a delta.
 */
import type { Diagnostic } from './diagnostics.ts';
import type { Locate } from './issue-diagnostics.ts';
import type { DynamicConfig, RejectedItem } from './dynamic.ts';

export interface Snapshot {
  /** Provider name used as the qualifier (`file`, `kubernetes`, `kubernetescrd`, `internal`). */
  readonly provider: string;
  /** Valid items, names unqualified as the provider wrote them. */
  readonly config: DynamicConfig;
  /** Items that failed validation: they appear in the API as disabled with their diagnostics. */
  readonly rejected: readonly RejectedItem[];
  /** Diagnostics not tied to one item (e.g. a file that does not parse). */
  readonly diagnostics: readonly Diagnostic[];
  /**
   * Where fields of valid items were written, by `"<section> <name>"` (unqualified), so that
   * problems found only when building (a regex, an expression, a password hash) point at the
   * line. Providers without positions leave it out.
   */
  readonly locators?: ReadonlyMap<string, Locate>;
}

/** A source of configuration snapshots. */
export interface Provider {
  readonly name: string;
  /** Emits a snapshot now and on every change until `signal` aborts; resolves when stopped. */
  run(emit: (snapshot: Snapshot) => void, signal: AbortSignal): Promise<void>;
}
