// What the outbox does after a failed send (issue 5): a temporary failure
// (SMTP 4xx, or no answer at all) is tried again later, each wait twice the
// last up to a ceiling, then given up as a technical failure; a permanent
// refusal (5xx) is final at once.

/** "cancelled": withdrawn before it went, because what it said stopped being true (a decision corrected). */
export const MESSAGE_STATUSES = ["queued", "sending", "sent", "technical-failure", "permanent-failure", "unknown", "cancelled"] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** Statuses a message never leaves by itself. */
export const TERMINAL_MESSAGE_STATUSES = ["sent", "technical-failure", "permanent-failure", "unknown", "cancelled"] as const satisfies readonly MessageStatus[];

/** How long a personal link (/r/<token>) works. */
export const PERSONAL_LINK_DAYS = 90;

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  maxAttempts: number;
}

/** The wait before the next attempt, after `attempts` have failed. */
export function retryDelayMs(attempts: number, policy: RetryPolicy): number {
  const exponent = Math.max(0, attempts - 1);
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(exponent, 30));
}

export type SendFailure = { kind: "temporary" | "permanent"; reason: string };

// A 5xx to these commands is about the connection or our credentials, not
// this message: retried, so a misconfigured relay does not fail a whole list.
const CONNECTION_COMMANDS = /^(CONN|EHLO|HELO|STARTTLS|AUTH)/i;

/** Sorts a nodemailer error into temporary or permanent, with a reason staff can read. */
export function classifySendFailure(error: unknown): SendFailure {
  const e = (error ?? {}) as { responseCode?: number; response?: string; code?: string; command?: string; message?: string };
  const response = (e.response ?? e.message ?? String(error)).replace(/\s+/g, " ").trim().slice(0, 300);
  if (typeof e.responseCode === "number") {
    if (e.responseCode >= 500 && !CONNECTION_COMMANDS.test(e.command ?? "")) {
      return { kind: "permanent", reason: `The mail server refused this message (${e.responseCode}): ${response}` };
    }
    return { kind: "temporary", reason: `The mail server asked to try again later (${e.responseCode}): ${response}` };
  }
  return { kind: "temporary", reason: `Could not reach the mail server${e.code ? ` (${e.code})` : ""}: ${response}` };
}
