/**
 * Status badges with the dashboard's fixed colours: UP green, DOWN red, DRAINING and WARNING
 * amber, DISABLED grey. Every state reads the same on every page.
 */
import { html } from '../html.js';

/**
 * The colour families (CSS classes `tone-…`).
 * @typedef {'ok' | 'down' | 'warn' | 'off' | 'info'} Tone
 */

/**
 * @param {import('../service-health.js').ServiceHealth | import('../api-types').ServerState} health
 * @returns {Tone}
 */
export function healthTone(health) {
  switch (health) {
    case 'UP': return 'ok';
    case 'DOWN': return 'down';
    case 'DEGRADED': case 'FALLBACK': case 'DRAINING': return 'warn';
    case 'DISABLED': case 'UNUSED': return 'off';
    default: {
      /** @type {never} */
      const unreachable = health;
      return unreachable;
    }
  }
}

/**
 * An item's configuration status.
 * @param {import('../api-types').ItemStatus} status
 * @returns {Tone}
 */
export function itemStatusTone(status) {
  switch (status) {
    case 'enabled': return 'ok';
    case 'warning': return 'warn';
    case 'disabled': return 'off';
    default: {
      /** @type {never} */
      const unreachable = status;
      return unreachable;
    }
  }
}

/**
 * A badge: a short upper-case word on its colour.
 * @param {{label: string, tone: Tone, title?: string, testid?: string}} props
 */
export function Badge({ label, tone, title, testid }) {
  return html`<span class=${`badge tone-${tone}`} title=${title} data-testid=${testid} data-state=${label}>${label}</span>`;
}

/**
 * A service's or server's health as a badge.
 * @param {{health: import('../service-health.js').ServiceHealth | import('../api-types').ServerState, title?: string, testid?: string}} props
 */
export function HealthBadge({ health, title, testid }) {
  return html`<${Badge} label=${health} tone=${healthTone(health)} title=${title} testid=${testid} />`;
}

/**
 * An item's status (enabled, warning, disabled) as a badge.
 * @param {{status: import('../api-types').ItemStatus, testid?: string}} props
 */
export function StatusBadge({ status, testid }) {
  return html`<${Badge} label=${status.toUpperCase()} tone=${itemStatusTone(status)} testid=${testid} />`;
}
