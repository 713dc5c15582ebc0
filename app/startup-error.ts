// An expected failure at start-up (bad configuration, port in use, database
// unreachable). Entry points print its message as one sentence and exit 1,
// never a stack trace.
export class StartupError extends Error {
  override name = "StartupError";
}

export function describeStartupFailure(error: unknown): string {
  if (error instanceof StartupError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  return `The portal could not start: ${message}`;
}
