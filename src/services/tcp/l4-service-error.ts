/**
 * The error TCP and UDP service factories throw for configuration they cannot use; build()
 * turns it into a diagnostic on the service and disables it.
 */

/** A TCP or UDP service configuration the build cannot use; `field` is relative to the service kind. */
export class L4ServiceConfigError extends Error {
  /** Stable diagnostic code (`SERVICE_SERVER_ADDRESS_INVALID`, …). */
  readonly code: string;
  /** Path inside the service kind (`servers[1].address`, `healthCheck`). */
  readonly field: string;
  constructor(code: string, field: string, message: string) {
    super(message);
    this.name = 'L4ServiceConfigError';
    this.code = code;
    this.field = field;
  }
}
