/** A benchmark that cannot run as asked: its message is for the person who ran it. */
export class BenchmarkFailed extends Error {}
