// An expected failure of a command (bad flag, unknown practice): printed as
// one sentence on stderr with exit code 1.
export class CliError extends Error {
  override name = "CliError";
}
