// PostgreSQL restarting, failing over or dropping the connection surfaces as
// one of these: postgres.js's own codes for a socket that closed, the
// operating system's for one that could not open, and the server's class 57
// ("operator intervention": shutting down, starting up).
const LOST = new Set(["CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "ECONNREFUSED", "ECONNRESET", "EPIPE", "57P01", "57P02", "57P03"]);

/** True when the error means the database went away, not that the work was wrong. */
export function isConnectionLost(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && LOST.has(code);
}
