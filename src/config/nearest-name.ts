/**
 * "Did you mean …?" suggestions for unknown field and key names.
 */

/** Levenshtein edit distance between two strings, compared case-insensitively. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const substitution = previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[y.length]!;
}

/**
 * The candidate closest to `name`, or undefined when none is close enough to be a plausible
 * typo (distance at most a third of the name's length, and at least 2 allowed).
 */
export function nearestName(name: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** `unknown field "x"; did you mean "y"?` or, without a close match, the list of valid names. */
export function unknownNameMessage(what: string, name: string, candidates: readonly string[]): string {
  const nearest = nearestName(name, candidates);
  if (nearest !== undefined) return `unknown ${what} "${name}"; did you mean "${nearest}"?`;
  if (candidates.length === 0) return `unknown ${what} "${name}"`;
  const sorted = [...candidates].sort();
  return `unknown ${what} "${name}"; expected one of: ${sorted.join(', ')}`;
}
