import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Transporter } from "nodemailer";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnection, setConnection, type Connection } from "../../db/client.server";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../../db/embedded.server";
import { applyMigrations } from "../../db/migrate.server";
import { DEFAULT_SENDING_HOURS } from "../../app/domain/sending-hours";
import { createCampaign, sendCampaign } from "../../app/services/campaigns.server";
import { createMailTransport } from "../../app/services/mail-transport.server";
import { importPatientList } from "../../app/services/patient-import.server";
import { addPractice } from "../../app/services/practices.server";
import type { OutboxWorker } from "../../app/worker/outbox-worker.server";
import { writeSyntheticCsv } from "../../scripts/bench/import";
import { freePort } from "../helpers/free-port";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink";
import { createTestOutboxWorker } from "../helpers/test-outbox-worker";
import { countBy, sleep, until } from "../helpers/waiting";

// Issue 10, point 3: PostgreSQL restarted in the middle of an import and of a
// campaign's sending. These need a server the test may stop, so they run their
// own embedded PostgreSQL whatever DATABASE_URL says, restarted on its port.

const IMPORT_ROWS = 60_000;
const CAMPAIGN_SIZE = 1_000;

describe("PostgreSQL restarted mid-way", () => {
  let dataDir = "";
  let port = 0;
  let server: EmbeddedDatabase;
  let connection: Connection;
  let admin: postgres.Sql;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "portal-restart-pg-"));
    port = await freePort();
    server = await startEmbeddedPostgres(dataDir, () => {}, { port });
    await applyMigrations(server.url);
    connection = createConnection(server.url, { max: 4, asApp: true });
    setConnection(connection);
    admin = postgres(server.url, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    setConnection(undefined);
    await connection?.close();
    await admin?.end({ timeout: 1 });
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** A fast shutdown (every connection cut, open transactions lost), some time down, then up on the same port. */
  async function restart(downMs: number): Promise<void> {
    await server.stop();
    await sleep(downMs);
    server = await startEmbeddedPostgres(dataDir, () => {}, { port });
  }

  it("an import cut off by a restart changes nothing, says so, and the same file then imports whole", async () => {
    const added = await addPractice({ odsCode: "Q10001", name: "Restart Import Surgery", clinicalSystem: "emis" });
    if (!added.ok) throw new Error(added.error);
    const practiceId = added.practice.id;
    const filePath = path.join(dataDir, "..", `${path.basename(dataDir)}-patients.csv`);
    await writeSyntheticCsv(filePath, IMPORT_ROWS);
    try {
      let restarted: Promise<void> | null = null;
      const cutOff = await importPatientList({
        odsCode: "Q10001",
        filePath,
        format: "canonical",
        actor: { id: null, role: "cli" },
        // A sixth of the way through the file: the transaction is open, nothing committed.
        onProgress: ({ rows }) => {
          if (rows >= IMPORT_ROWS / 6 && !restarted) restarted = restart(500);
        },
      });
      expect(restarted).not.toBeNull();
      await restarted;
      expect(cutOff).toEqual({
        ok: false,
        reason: "database",
        error: "The connection to the database was lost during the import, so nothing was changed: import the file again once the database is back.",
      });

      const countOf = async () => {
        const [row] = await admin<{ patients: number; entries: number; imports: number; audited: number }[]>`
          select (select count(*)::int from patients where practice_id = ${practiceId}) as patients,
                 (select count(*)::int from coded_entries where practice_id = ${practiceId}) as entries,
                 (select count(*)::int from imports where practice_id = ${practiceId}) as imports,
                 (select count(*)::int from audit_events where practice_id = ${practiceId} and action = 'patients.imported') as audited`;
        return row!;
      };
      // Nothing half-applied: not one patient, coded entry, import record or audit event.
      expect(await countOf()).toEqual({ patients: 0, entries: 0, imports: 0, audited: 0 });

      // The same file, once the server is back (postgres.js reconnects by itself), imports whole ...
      const again = await importPatientList({ odsCode: "Q10001", filePath, format: "canonical", actor: { id: null, role: "cli" } });
      expect(again.ok && again.outcome).toMatchObject({ committed: true, inserted: IMPORT_ROWS, updated: 0, rejected: [] });
      const afterImport = await countOf();
      expect(afterImport).toMatchObject({ patients: IMPORT_ROWS, imports: 1, audited: 1 });
      // ... and a third time changes nothing: the second import was complete.
      const third = await importPatientList({ odsCode: "Q10001", filePath, format: "canonical", actor: { id: null, role: "cli" } });
      expect(third.ok && third.outcome).toMatchObject({ inserted: 0, updated: 0, unchanged: IMPORT_ROWS, deregistered: 0 });
      expect(await countOf()).toEqual({ ...afterImport, imports: 2, audited: 2 });
    } finally {
      await rm(filePath, { force: true });
    }
  });

  describe("a campaign sending through a real SMTP server", () => {
    let sink: SmtpSink;
    let transport: Transporter;
    let worker: OutboxWorker | undefined;
    const workerLog: string[] = [];

    beforeAll(async () => {
      sink = await startSmtpSink();
      transport = createMailTransport(sink.url, { rateLimit: 0 });
    });
    afterAll(async () => {
      await worker?.stop();
      transport?.close();
      await sink?.close();
    });

    it("finishes after a restart: every patient's message sent or marked unknown, none sent twice unless unknown", async () => {
      const added = await addPractice({ odsCode: "Q10002", name: "Restart Campaign Surgery", clinicalSystem: "emis" });
      if (!added.ok) throw new Error(added.error);
      const practiceId = added.practice.id;
      await admin`
        insert into patients (practice_id, nhs_number, given_name, family_name, date_of_birth, email)
        select ${practiceId}, '9' || lpad(i::text, 9, '0'), 'Pat', 'Patient ' || i, '1970-01-01', 'patient' || i || '@restart.example'
        from generate_series(1, ${CAMPAIGN_SIZE}) as i`;
      const actor = { id: null, role: "cli" };
      const created = await createCampaign({ practiceId, templateKey: "opt-out-announcement", actor });
      expect(created.recipients).toBe(CAMPAIGN_SIZE);
      const sent = await sendCampaign({ practiceId, campaignId: created.id, actor, when: "now", ignoreSendingHours: true, sendingHours: DEFAULT_SENDING_HOURS });
      expect(sent.ok).toBe(true);

      worker = createTestOutboxWorker(transport, { idleMs: 50, log: (line) => workerLog.push(line) });
      void worker.run();

      // A fifth sent: then the database goes away for a second and a half, under the worker's feet.
      await sink.waitForAccepted(CAMPAIGN_SIZE / 5);
      await restart(1500);
      expect(sink.received.length).toBeLessThan(CAMPAIGN_SIZE);

      await until(async () => {
        const [row] = await admin<{ status: string }[]>`select status from campaigns where id = ${created.id}`;
        return row?.status === "finished";
      }, `the campaign to finish after the restart (worker said: ${workerLog.slice(-3).join(" / ")})`, 60_000);

      const rows = await admin<{ id: string; to_address: string; status: string }[]>`
        select id, to_address, status from messages where campaign_id = ${created.id} and channel = 'email'`;
      // Nothing lost: one message for each patient, each sent or, where the worker could not know, unknown.
      expect(new Set(rows.map((r) => r.to_address)).size).toBe(CAMPAIGN_SIZE);
      const byStatus = countBy(rows.map((r) => r.status));
      expect((byStatus.sent ?? 0) + (byStatus.unknown ?? 0)).toBe(CAMPAIGN_SIZE);
      expect(byStatus.sent).toBeGreaterThan(CAMPAIGN_SIZE / 2);

      const byAddress = sink.byRecipient();
      for (const row of rows) {
        const mail = byAddress.get(row.to_address) ?? [];
        // Never two different messages to one patient, and a sent row really reached the server.
        expect(new Set(mail.map((m) => m.messageId)).size).toBeLessThanOrEqual(1);
        if (mail.length > 0) expect(mail[0]!.messageId).toBe(`<${row.id}@portal.test>`);
        if (row.status === "sent") expect(mail.length).toBeGreaterThanOrEqual(1);
        // Sent twice only where the outbox owns up to not knowing.
        if (mail.length > 1) expect(row.status).toBe("unknown");
      }
      expect(workerLog.join("\n")).toMatch(/trying again/);
    });
  });
});
