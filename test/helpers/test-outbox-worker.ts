import type { Transporter } from "nodemailer";
import { DEFAULT_SENDING_HOURS } from "../../app/domain/sending-hours";
import { createOutboxWorker, type OutboxWorker, type OutboxWorkerOptions } from "../../app/worker/outbox-worker.server";

/** The portal's address in tests: Message-IDs are `<message id@portal.test>`. */
export const TEST_PUBLIC_URL = "https://portal.test";
/** Retries and staleness fast enough for a test to see them happen. */
export const TEST_RETRY = { baseMs: 100, maxMs: 1000, maxAttempts: 30 };
export const TEST_STALE_AFTER_MS = 2000;

/**
 * An outbox worker as the tests run it: the test's transport, the usual sender and hours, and
 * retries fast enough for a test, unless `overrides` says otherwise. Not yet running.
 */
export function createTestOutboxWorker(transport: Transporter, overrides: Partial<OutboxWorkerOptions> = {}): OutboxWorker {
  return createOutboxWorker({
    transport,
    from: "GP online access <no-reply@portal.test>",
    publicUrl: TEST_PUBLIC_URL,
    sendingHours: DEFAULT_SENDING_HOURS,
    retry: TEST_RETRY,
    staleAfterMs: TEST_STALE_AFTER_MS,
    ...overrides,
  });
}
