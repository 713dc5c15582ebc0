import { spawn, type ChildProcess } from "node:child_process";
import type { Transporter } from "nodemailer";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_SENDING_HOURS } from "../../app/domain/sending-hours";
import { createCampaign, sendCampaign } from "../../app/services/campaigns.server";
import { createMailTransport } from "../../app/services/mail-transport.server";
import { addPractice } from "../../app/services/practices.server";
import type { OutboxWorker, OutboxWorkerOptions } from "../../app/worker/outbox-worker.server";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink";
import { createTestOutboxWorker, TEST_PUBLIC_URL, TEST_RETRY, TEST_STALE_AFTER_MS } from "../helpers/test-outbox-worker";
import { countBy, sleep, until } from "../helpers/waiting";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database";

// Issue 5, "Done when": a 2,000-message campaign through a real SMTP server
// (smtp-server in this process) that fails the ways relays and workers fail.
// What counts is what the server received, by Message-ID, against what the
// outbox says happened.

const CAMPAIGN_SIZE = 2000;

interface MessageRow {
  id: string;
  to_address: string;
  status: string;
  attempts: number;
  claimed_by: string | null;
  smtp_message_id: string | null;
  failure_reason: string | null;
  template_version: string | null;
}

describe("outbox reliability with a real SMTP server", () => {
  let db: TestDatabase;
  let sink: SmtpSink;
  let practiceNumber = 0;
  const workers: OutboxWorker[] = [];
  const transports: Transporter[] = [];
  const children: ChildProcess[] = [];
  const workerLog: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink?.close();
    await db?.drop();
  });
  beforeEach(() => {
    sink.reset();
    workerLog.length = 0;
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await new Promise((resolve) => child.once("exit", resolve));
      }
    }
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    for (const t of transports.splice(0)) t.close();
    await sink.start();
  });

  /** A practice of registered adults with email and no codes, and a campaign to all of them, sending. */
  async function sendingCampaign(): Promise<{ practiceId: string; campaignId: string }> {
    practiceNumber += 1;
    const odsCode = odsOf(practiceNumber).toUpperCase();
    const added = await addPractice({ odsCode, name: `Reliability Surgery ${practiceNumber}`, clinicalSystem: "emis" });
    if (!added.ok) throw new Error(added.error);
    const practiceId = added.practice.id;
    await db.admin`
      insert into patients (practice_id, nhs_number, given_name, family_name, date_of_birth, email)
      select ${practiceId}, lpad((${practiceNumber}::bigint * 100000 + i)::text, 10, '9'), 'Pat', 'Patient ' || lpad(i::text, 5, '0'),
             '1970-01-01', 'patient' || i || '@' || lower(${odsCode}) || '.example'
      from generate_series(1, ${CAMPAIGN_SIZE}) as i`;
    const created = await createCampaign({ practiceId, templateKey: "opt-out-announcement", actor: { id: null, role: "cli" } });
    expect(created.recipients).toBe(CAMPAIGN_SIZE);
    const sent = await sendCampaign({
      practiceId,
      campaignId: created.id,
      actor: { id: null, role: "cli" },
      when: "now",
      ignoreSendingHours: true,
      sendingHours: DEFAULT_SENDING_HOURS,
    });
    expect(sent.ok).toBe(true);
    return { practiceId, campaignId: created.id };
  }

  function startWorker(overrides: Partial<OutboxWorkerOptions> = {}): OutboxWorker {
    const transport = createMailTransport(sink.url, { rateLimit: 0 });
    transports.push(transport);
    const worker = createTestOutboxWorker(transport, { idleMs: 50, log: (line) => workerLog.push(line), ...overrides });
    workers.push(worker);
    void worker.run();
    return worker;
  }

  async function waitForFinished(campaignId: string): Promise<void> {
    try {
      await until(async () => {
        const [row] = await db.admin<{ status: string }[]>`select status from campaigns where id = ${campaignId}`;
        return row!.status === "finished";
      }, "the campaign to finish");
    } catch (error) {
      const counts = await db.admin`select status, count(*)::int as n from messages where campaign_id = ${campaignId} group by status`;
      throw new Error(`${(error as Error).message}: ${JSON.stringify(counts)}\n${workerLog.slice(-5).join("\n")}`);
    }
  }

  function messageRows(campaignId: string): Promise<MessageRow[]> {
    return db.admin<MessageRow[]>`
      select id, to_address, status, attempts, claimed_by, smtp_message_id, failure_reason, template_version
      from messages where campaign_id = ${campaignId} and channel = 'email'`;
  }

  /** Distinct Message-IDs the server accepted for each address. */
  function distinctMessageIds(): Map<string, Set<string>> {
    return new Map([...sink.byRecipient()].map(([to, mail]) => [to, new Set(mail.map((m) => m.messageId!))]));
  }

  const expectedMessageId = (row: MessageRow) => `<${row.id}@portal.test>`;

  it("finishes a campaign when the SMTP server stops mid-way and comes back: one Message-ID per patient", async () => {
    const { campaignId } = await sendingCampaign();
    startWorker();
    await sink.waitForAccepted(500);
    await sink.stop();
    const acceptedBeforeStop = sink.received.length;
    // The worker finds the server gone and puts messages back for later, saying why.
    await until(async () => {
      const [waiting] = await db.admin<{ n: number }[]>`
        select count(*)::int as n from messages
        where campaign_id = ${campaignId} and status = 'queued' and failure_reason like 'Could not reach the mail server%'`;
      return waiting!.n > 0;
    }, "a message put back after failing to reach the server");
    await sleep(1000);
    expect(sink.received.length).toBe(acceptedBeforeStop);
    await sink.start();
    await waitForFinished(campaignId);

    const rows = await messageRows(campaignId);
    expect(rows.filter((r) => r.status !== "sent")).toEqual([]);
    const ids = distinctMessageIds();
    expect(ids.size).toBe(CAMPAIGN_SIZE);
    for (const row of rows) {
      expect([...(ids.get(row.to_address) ?? [])]).toEqual([expectedMessageId(row)]);
      expect(row.smtp_message_id).toBe(expectedMessageId(row));
      expect(row.template_version).toMatch(/^[0-9a-f]{16}$/);
    }
    // A resend of the same Message-ID happens only when the server's 250 was
    // lost as the connection died: at most one per pooled connection.
    expect(sink.received.length - CAMPAIGN_SIZE).toBeLessThanOrEqual(5);
    expect(rows.some((r) => r.attempts > 1)).toBe(true);
  });

  it("finishes a campaign when connections drop mid-DATA for a while, with exactly one message per patient", async () => {
    const { campaignId } = await sendingCampaign();
    startWorker();
    await sink.waitForAccepted(300);
    sink.dropDuringDataUntil(Date.now() + 1500);
    await waitForFinished(campaignId);

    expect(sink.dropped).toBeGreaterThan(0);
    const rows = await messageRows(campaignId);
    expect(rows.filter((r) => r.status !== "sent")).toEqual([]);
    // Nothing dropped mid-DATA was accepted, so nothing arrived twice.
    expect(sink.received).toHaveLength(CAMPAIGN_SIZE);
    const ids = distinctMessageIds();
    for (const row of rows) expect([...(ids.get(row.to_address) ?? [])]).toEqual([expectedMessageId(row)]);
  });

  it("after the worker process is killed mid-batch, a second worker finishes: duplicates only for rows marked unknown", async () => {
    const { campaignId } = await sendingCampaign();
    const appName = `outbox-worker-under-test-${practiceNumber}`;
    // node --import tsx rather than the tsx wrapper, so the pid killed is the worker's own.
    const child = spawn(process.execPath, ["--import", "tsx", "app/worker/main.ts"], {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        PGAPPNAME: appName,
        SMTP_URL: sink.url,
        PUBLIC_URL: TEST_PUBLIC_URL,
        SMTP_RATE_LIMIT: "0",
        OUTBOX_RETRY_BASE_MS: String(TEST_RETRY.baseMs),
        OUTBOX_RETRY_MAX_MS: String(TEST_RETRY.maxMs),
        OUTBOX_MAX_ATTEMPTS: String(TEST_RETRY.maxAttempts),
        OUTBOX_STALE_AFTER_MS: String(TEST_STALE_AFTER_MS),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let childOutput = "";
    child.stdout!.on("data", (c: Buffer) => (childOutput += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (childOutput += c.toString()));
    const exited = new Promise((resolve) => child.once("exit", resolve));
    await Promise.race([
      sink.waitForAccepted(300),
      exited.then(() => Promise.reject(new Error(`The worker exited early:\n${childOutput}`))),
    ]);
    child.kill("SIGKILL");
    await exited;
    // A COMMIT already on the wire may still land: wait until PostgreSQL has let go of the dead worker.
    for (let i = 0; ; i++) {
      const [left] = await db.admin<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where application_name = ${appName}`;
      if (left!.n === 0) break;
      if (i > 100) throw new Error("PostgreSQL still holds the killed worker's connections.");
      await sleep(50);
    }

    const [afterKill] = await db.admin<{ sending: number; sent: number; worker: string }[]>`
      select count(*) filter (where status = 'sending')::int as sending, count(*) filter (where status = 'sent')::int as sent,
             min(claimed_by) as worker
      from messages where campaign_id = ${campaignId}`;
    // Killed mid-batch: it left claims whose fate it never recorded.
    expect(afterKill!.sending).toBeGreaterThan(0);
    expect(childOutput).toContain("Outbox worker");

    const second = startWorker();
    await waitForFinished(campaignId);

    const rows = await messageRows(campaignId);
    const byStatus = countBy(rows.map((r) => r.status));
    expect(byStatus).toEqual({ sent: CAMPAIGN_SIZE - afterKill!.sending, unknown: afterKill!.sending });
    const byAddress = sink.byRecipient();
    for (const row of rows) {
      const mail = byAddress.get(row.to_address) ?? [];
      // Never two different messages to one patient.
      expect(new Set(mail.map((m) => m.messageId)).size).toBeLessThanOrEqual(1);
      if (mail.length > 0) expect(mail[0]!.messageId).toBe(expectedMessageId(row));
      if (mail.length > 1) expect(row.status).toBe("unknown");
      if (row.status === "sent") expect(mail.length).toBeGreaterThanOrEqual(1);
      if (row.status === "unknown") {
        expect(row.claimed_by).not.toBe(second.id);
        expect(row.failure_reason).toMatch(/stopped before it knew/);
      }
    }
    // The second worker did the rest, and resent nothing the first had claimed.
    expect(rows.filter((r) => r.claimed_by === second.id).length).toBe(CAMPAIGN_SIZE - afterKill!.sent - afterKill!.sending);
  });

  it("two workers side by side send every message once, and both do some of it", async () => {
    const { campaignId } = await sendingCampaign();
    const a = startWorker({ batchSize: 100 });
    const b = startWorker({ batchSize: 100 });
    await waitForFinished(campaignId);

    const rows = await messageRows(campaignId);
    expect(rows.filter((r) => r.status !== "sent")).toEqual([]);
    expect(sink.received).toHaveLength(CAMPAIGN_SIZE);
    expect(new Set(sink.received.map((m) => m.messageId)).size).toBe(CAMPAIGN_SIZE);
    const ids = distinctMessageIds();
    for (const row of rows) expect([...(ids.get(row.to_address) ?? [])]).toEqual([expectedMessageId(row)]);
    const byWorker = countBy(rows.map((r) => r.claimed_by ?? "none"));
    expect(Object.keys(byWorker).sort()).toEqual([a.id, b.id].sort());
    expect(byWorker[a.id]).toBeGreaterThan(0);
    expect(byWorker[b.id]).toBeGreaterThan(0);
  });

  it("a 550 is a permanent failure at once; a 451 is retried, and given up after the last attempt", async () => {
    const { campaignId } = await sendingCampaign();
    const refused = "patient11@" + odsOf(practiceNumber) + ".example";
    const busyTwice = "patient12@" + odsOf(practiceNumber) + ".example";
    const busyForever = "patient13@" + odsOf(practiceNumber) + ".example";
    sink.reply({ recipient: refused, stage: "RCPT", code: 550, message: "5.1.1 No such mailbox here" });
    sink.reply({ recipient: busyTwice, stage: "DATA", code: 451, message: "4.3.0 Try again later", times: 2 });
    sink.reply({ recipient: busyForever, stage: "RCPT", code: 451, message: "4.2.1 Mailbox busy" });
    const retry = { baseMs: 100, maxMs: 400, maxAttempts: 4 };
    startWorker({ retry });
    await waitForFinished(campaignId);

    const rows = await messageRows(campaignId);
    const row = (address: string) => rows.find((r) => r.to_address === address)!;
    expect(row(refused)).toMatchObject({ status: "permanent-failure", attempts: 1 });
    expect(row(refused).failure_reason).toMatch(/550.*No such mailbox here/);
    expect(sink.repliesTo(refused)).toBe(1);

    expect(row(busyTwice)).toMatchObject({ status: "sent", attempts: 3, smtp_message_id: expectedMessageId(row(busyTwice)) });
    expect(sink.repliesTo(busyTwice)).toBe(2);

    expect(row(busyForever)).toMatchObject({ status: "technical-failure", attempts: retry.maxAttempts });
    expect(row(busyForever).failure_reason).toMatch(/451.*Mailbox busy.*gave up after 4 attempts/);
    expect(sink.repliesTo(busyForever)).toBe(retry.maxAttempts);

    expect(countBy(rows.map((r) => r.status))).toEqual({ sent: CAMPAIGN_SIZE - 2, "permanent-failure": 1, "technical-failure": 1 });
    const byAddress = sink.byRecipient();
    expect(byAddress.has(refused)).toBe(false);
    expect(byAddress.has(busyForever)).toBe(false);
    expect(byAddress.get(busyTwice)).toHaveLength(1);
    expect(sink.received).toHaveLength(CAMPAIGN_SIZE - 2);
  });
});

function odsOf(practiceNumber: number): string {
  return `r${String(practiceNumber).padStart(5, "0")}`;
}
