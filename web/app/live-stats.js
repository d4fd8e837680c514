/**
 * Live statistics from the server-sent events of `/api/stats/stream` (one snapshot a second),
 * with the last snapshots kept for the charts. One stream serves every page; memory is bounded
 * by HISTORY_LENGTH.
 */
import { useEffect, useState } from 'preact/hooks';
import { apiUrl } from './api.js';

/**
 * @typedef {import('./api-types').StatsSnapshot} StatsSnapshot
 * @typedef {import('./api-types').LiveStats} LiveStats
 */

/** Snapshots kept: two minutes at one a second. */
export const HISTORY_LENGTH = 120;

/**
 * `connecting` until the first snapshot, `live` while snapshots arrive, `lost` while the
 * browser reconnects after the stream ended or failed.
 * @typedef {'connecting' | 'live' | 'lost'} StreamState
 */

/**
 * @typedef {object} LiveView
 * @property {StatsSnapshot | undefined} latest
 * @property {readonly StatsSnapshot[]} history oldest first
 * @property {StreamState} state
 */

/** @type {StatsSnapshot[]} */
let history = [];
/** @type {StreamState} */
let state = 'connecting';
/** @type {EventSource | null} */
let source = null;
/** @type {Set<() => void>} */
const listeners = new Set();

function notify() {
  for (const listener of listeners) listener();
}

function open() {
  source = new EventSource(apiUrl('stats/stream'));
  source.addEventListener('stats', (event) => {
    try {
      const snapshot = /** @type {StatsSnapshot} */ (JSON.parse(/** @type {MessageEvent<string>} */ (event).data));
      history = history.length >= HISTORY_LENGTH ? [...history.slice(history.length - HISTORY_LENGTH + 1), snapshot] : [...history, snapshot];
      state = 'live';
    } catch {
      return; // A malformed event is skipped; the next one a second later replaces it.
    }
    notify();
  });
  // EventSource reconnects by itself; the header shows the gap meanwhile.
  source.addEventListener('error', () => {
    state = 'lost';
    notify();
  });
}

/**
 * Subscribes to the stream (opened by the first subscriber, closed with the last).
 * @param {() => void} listener
 * @returns {() => void} unsubscribe
 */
function subscribe(listener) {
  listeners.add(listener);
  if (source === null) open();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && source !== null) {
      source.close();
      source = null;
      state = 'connecting';
    }
  };
}

/**
 * The live statistics; the component re-renders on every snapshot.
 * @returns {LiveView}
 */
export function useLiveStats() {
  const [, setTick] = useState(0);
  useEffect(() => subscribe(() => setTick((n) => n + 1)), []);
  return { latest: history[history.length - 1], history, state };
}

/**
 * One number per snapshot, oldest first (0 where the item had no statistics yet).
 * @param {readonly StatsSnapshot[]} snapshots
 * @param {(snapshot: StatsSnapshot) => number | undefined} pick
 * @returns {number[]}
 */
export function seriesOf(snapshots, pick) {
  return snapshots.map((s) => pick(s) ?? 0);
}

/**
 * Share of the window's requests answered with 5xx, or with 4xx or 5xx.
 * @param {LiveStats | undefined} stats
 * @param {'5xx' | 'errors'} which
 */
export function errorShare(stats, which) {
  if (stats === undefined) return 0;
  return which === '5xx' ? stats.errorRatio['5xx'] : stats.errorRatio['4xx'] + stats.errorRatio['5xx'];
}
