/**
 * `html` tagged templates (htm) that build Preact elements: JSX without a build step.
 */
import { h } from 'preact';
import htm from 'htm';

/**
 * Builds Preact elements from a template. Every template in the dashboard has a single root
 * element, so the result is one VNode.
 * @type {(strings: TemplateStringsArray, ...values: unknown[]) => import('preact').VNode}
 */
export const html = /** @type {(strings: TemplateStringsArray, ...values: unknown[]) => import('preact').VNode} */ (
  /** @type {unknown} */ (htm.bind(h))
);
