/**
 * A Preact hook that loads an API document and reloads it every few seconds while the page is
 * visible, so structural pages (routers, services, health) follow the running configuration
 * without a reload of the page.
 */
import { useEffect, useRef, useState } from 'preact/hooks';

/** How often structural documents are reloaded. */
export const REFRESH_MS = 2000;

/**
 * @template T
 * @typedef {object} Resource
 * @property {T | undefined} data the last document loaded (kept while a reload fails)
 * @property {string | undefined} error why the last load failed
 * @property {boolean} loading true until the first load has ended
 */

/**
 * Loads `load()` now and every `intervalMs` (0: once) while mounted; a new `key` starts over.
 * @template T
 * @param {string} key identity of what is loaded
 * @param {(signal: AbortSignal) => Promise<T>} load
 * @param {number} [intervalMs]
 * @returns {Resource<T>}
 */
export function useResource(key, load, intervalMs = REFRESH_MS) {
  /** @type {[Resource<T>, (r: Resource<T>) => void]} */
  const [state, setState] = useState(/** @type {Resource<T>} */ ({ data: undefined, error: undefined, loading: true }));
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const controller = new AbortController();
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let timer;
    /** @type {T | undefined} */
    let last;
    const tick = async () => {
      if (!document.hidden) {
        try {
          last = await loadRef.current(controller.signal);
          setState({ data: last, error: undefined, loading: false });
        } catch (error) {
          if (controller.signal.aborted) return;
          setState({ data: last, error: error instanceof Error ? error.message : String(error), loading: false });
        }
      }
      if (intervalMs > 0 && !controller.signal.aborted) timer = setTimeout(() => void tick(), intervalMs);
    };
    setState({ data: undefined, error: undefined, loading: true });
    void tick();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [key, intervalMs]);
  return state;
}
