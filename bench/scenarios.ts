/**
 * What one load run measures: a body size served by the origins and a number of concurrent
 * client connections. The origins serve each body size at a fixed path.
 */

/** Body sizes the origins serve, in bytes. */
export const BODY_SIZES = [100, 16_384] as const;

export type BodySize = (typeof BODY_SIZES)[number];

/** One cell of the benchmark matrix. */
export interface Scenario {
  readonly bodyBytes: BodySize;
  readonly connections: number;
}

/** The path the origins serve a body of `bytes` at. */
export function bodyPath(bytes: BodySize): string {
  return `/body-${bytes}`;
}

/** `100 B`, `16 KiB`. */
export function formatBodySize(bytes: number): string {
  return bytes >= 1024 && bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} B`;
}

/** `100 B body, 50 connections`. */
export function scenarioTitle(scenario: Scenario): string {
  return `${formatBodySize(scenario.bodyBytes)} body, ${scenario.connections} connections`;
}

/** A stable key for grouping measurements. */
export function scenarioKey(scenario: Scenario): string {
  return `${scenario.bodyBytes}/${scenario.connections}`;
}

/** Every combination, body size first so the report reads small → large. */
export function scenarioMatrix(bodies: readonly BodySize[], connections: readonly number[]): Scenario[] {
  return bodies.flatMap((bodyBytes) => connections.map((c) => ({ bodyBytes, connections: c })));
}

/** Parses a body size given on the command line (`100`, `16384`, `16k`, `16KiB`). */
export function parseBodySize(text: string): BodySize | undefined {
  const match = /^(\d+)\s*(k|kib)?$/i.exec(text.trim());
  if (!match) return undefined;
  const bytes = Number(match[1]) * (match[2] ? 1024 : 1);
  return BODY_SIZES.find((size) => size === bytes);
}
