// stdout carries the command's result (JSON only, with --json); everything
// else, progress and logs, goes to stderr so scripts can pipe stdout.
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(line = ""): void {
  process.stdout.write(`${line}\n`);
}

export function logLine(line: string): void {
  process.stderr.write(`${line}\n`);
}
