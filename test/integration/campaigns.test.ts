import { createHash } from "node:crypto";
import type { Transporter } from "nodemailer";
import PostalMime from "postal-mime";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CODES } from "../../app/domain/codes";
import { createMailTransport } from "../../app/services/mail-transport.server";
import { addPractice } from "../../app/services/practices.server";
import type { OutboxWorker } from "../../app/worker/outbox-worker.server";
import { runCli } from "../helpers/run-command";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink";
import { createTestOutboxWorker } from "../helpers/test-outbox-worker";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database";

// The campaign command line as a practice manager runs it, against a list
// made by hand so every count is known: create, send, let a worker deliver
// through a real SMTP server, and look at what arrived.

const ODS = "K83047";
const DAY_MS = 86_400_000;

type Code = "104" | "106" | "103";
interface HandMadePatient {
  key: string;
  dateOfBirth?: string;
  email?: boolean;
  deceased?: boolean;
  deregistered?: boolean;
  contactIsPrivate?: boolean;
  codes?: [Code, string][];
}

// Each patient is here for one reason; the comment is where the opt-out announcement puts them.
const PATIENTS: HandMadePatient[] = [
  { key: "adult-email" }, // recipient
  { key: "adult-email-2" }, // recipient
  { key: "adult-no-email", email: false }, // letter
  { key: "under-16", dateOfBirth: "2015-06-01" }, // under-16
  { key: "deceased", deceased: true }, // deceased
  { key: "deregistered", deregistered: true }, // deregistered
  { key: "declined", codes: [["103", "2024-02-01"]] }, // declined
  { key: "review", codes: [["104", "2024-01-10"]] }, // enhanced-review (opt-in: contact-not-private)
  { key: "review-private", contactIsPrivate: true, codes: [["104", "2024-01-10"]] }, // enhanced-review (opt-in: recipient)
  { key: "review-private-no-email", email: false, contactIsPrivate: true, codes: [["104", "2024-01-10"]] }, // enhanced-review (opt-in: letter)
  { key: "conflict", codes: [["104", "2024-01-10"], ["106", "2024-01-10"]] }, // conflict
  { key: "review-cleared", codes: [["104", "2024-01-10"], ["106", "2024-05-01"]] }, // recipient
];

const addressOf = (key: string) => `${key}@patients.example`;

const NO_EXCLUSIONS = {
  deregistered: 0,
  deceased: 0,
  "under-16": 0,
  declined: 0,
  conflict: 0,
  "enhanced-review": 0,
  "no-active-104": 0,
  "contact-not-private": 0,
};

describe("cli campaign", () => {
  let db: TestDatabase;
  let sink: SmtpSink;
  let transport: Transporter;
  let worker: OutboxWorker;
  let practiceId: string;
  const patientIds = new Map<string, string>();
  const cli = (...args: string[]) => runCli(["campaign", ...args], { DATABASE_URL: db.url });

  beforeAll(async () => {
    db = await createTestDatabase();
    const added = await addPractice({ odsCode: ODS, name: "Campaign Test Surgery", clinicalSystem: "emis", phone: "01632 960 000" });
    if (!added.ok) throw new Error(added.error);
    practiceId = added.practice.id;
    for (const [i, p] of PATIENTS.entries()) {
      const [row] = await db.admin<{ id: string }[]>`
        insert into patients (practice_id, nhs_number, given_name, family_name, date_of_birth, email, deceased, registration, contact_is_private)
        values (${practiceId}, ${String(9000000001 + i)}, ${`Given${i}`}, ${`Family ${p.key}`}, ${p.dateOfBirth ?? "1970-03-15"},
                ${p.email === false ? null : addressOf(p.key)}, ${p.deceased ?? false},
                ${p.deregistered ? "deregistered" : "registered"}, ${p.contactIsPrivate ?? false})
        returning id`;
      patientIds.set(p.key, row!.id);
      for (const [code, day] of p.codes ?? []) {
        await db.admin`insert into coded_entries (practice_id, patient_id, code, recorded_on, source)
                       values (${practiceId}, ${row!.id}, ${code}, ${day}, 'seed')`;
      }
    }
    sink = await startSmtpSink();
    transport = createMailTransport(sink.url, { rateLimit: 0 });
    worker = createTestOutboxWorker(transport, { retry: { baseMs: 100, maxMs: 1000, maxAttempts: 3 }, staleAfterMs: 60_000 });
  });
  afterAll(async () => {
    await worker?.stop();
    transport?.close();
    await sink?.close();
    await db?.drop();
  });
  beforeEach(() => sink.reset());

  async function createCampaign(template: string): Promise<{ id: string; recipients: number; excluded: Record<string, number>; letters: number }> {
    const result = await cli("create", "--practice", ODS, "--template", template, "--json");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout);
  }

  /** Runs the worker round after round until it finds nothing more to send. */
  async function deliverAll(): Promise<void> {
    for (let round = 0; round < 20; round++) {
      if ((await worker.runOnce()) === 0) return;
    }
    throw new Error("The worker still had mail after 20 rounds.");
  }

  async function messageRows(campaignId: string) {
    return db.admin<{ id: string; patient_id: string; channel: string; status: string; to_address: string | null; template_version: string | null }[]>`
      select id, patient_id, channel, status, to_address, template_version from messages where campaign_id = ${campaignId}`;
  }

  async function auditActions(campaignId: string): Promise<string[]> {
    const rows = await db.admin<{ action: string }[]>`
      select action from audit_events where subject_type = 'campaign' and subject_id = ${campaignId} order by id`;
    return rows.map((r) => r.action);
  }

  const keysOf = (ids: (string | null)[]) =>
    ids.map((id) => [...patientIds].find(([, v]) => v === id)![0]).sort();

  it("create --json prints the campaign's id, its recipients, every exclusion counted, and the letters; and audits it once", async () => {
    const result = await cli("create", "--practice", ODS, "--template", "opt-out-announcement", "--json");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(Object.keys(printed).sort()).toEqual(["excluded", "id", "letters", "recipients"]);
    expect(printed).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      recipients: 3,
      excluded: { ...NO_EXCLUSIONS, deregistered: 1, deceased: 1, "under-16": 1, declined: 1, conflict: 1, "enhanced-review": 3 },
      letters: 1,
    });

    // What was written matches what was printed, patient by patient, and nothing is sent yet.
    const rows = await messageRows(printed.id);
    const email = rows.filter((r) => r.channel === "email");
    expect(keysOf(email.map((r) => r.patient_id))).toEqual(["adult-email", "adult-email-2", "review-cleared"]);
    expect(email.every((r) => r.status === "queued" && r.to_address === addressOf(keysOf([r.patient_id])[0]!))).toBe(true);
    expect(keysOf(rows.filter((r) => r.channel === "letter").map((r) => r.patient_id))).toEqual(["adult-no-email"]);
    const [campaign] = await db.admin<{ status: string }[]>`select status from campaigns where id = ${printed.id}`;
    expect(campaign!.status).toBe("draft");
    expect(await auditActions(printed.id)).toEqual(["campaign.created"]);
  });

  it("the opt-in invitation goes only to active-104 patients whose contact is private; the others are counted", async () => {
    const created = await createCampaign("opt-in-invitation");
    expect(created).toEqual({
      id: created.id,
      recipients: 1,
      excluded: { ...NO_EXCLUSIONS, deregistered: 1, deceased: 1, "under-16": 1, declined: 1, conflict: 1, "no-active-104": 4, "contact-not-private": 1 },
      letters: 1,
    });
    const rows = await messageRows(created.id);
    expect(keysOf(rows.filter((r) => r.channel === "email").map((r) => r.patient_id))).toEqual(["review-private"]);
    expect(keysOf(rows.filter((r) => r.channel === "letter").map((r) => r.patient_id))).toEqual(["review-private-no-email"]);
  });

  it("refuses a template that is not for campaigns with one sentence and exit 1", async () => {
    const result = await cli("create", "--practice", ODS, "--template", "request-received", "--json");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/request-received/);
    const [count] = await db.admin<{ n: number }[]>`select count(*)::int as n from campaigns where template_key = 'request-received'`;
    expect(count!.n).toBe(0);
  });

  it("does not send an opt-in invitation without --confirm-opt-in-invitation", async () => {
    const created = await createCampaign("opt-in-invitation");
    const result = await cli("send", "--id", created.id, "--ignore-sending-hours");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("--confirm-opt-in-invitation");
    const [campaign] = await db.admin<{ status: string }[]>`select status from campaigns where id = ${created.id}`;
    expect(campaign!.status).toBe("draft");
    expect(await auditActions(created.id)).toEqual(["campaign.created"]);
    await deliverAll();
    expect(sink.received).toHaveLength(0);
  });

  it("sends the opt-out announcement: status counts, pinned template versions, personal links in the mail, no second send", async () => {
    const created = await createCampaign("opt-out-announcement");
    const sent = await cli("send", "--id", created.id, "--ignore-sending-hours");
    expect(sent.stderr).toBe("");
    expect(sent.code).toBe(0);
    const sentAt = Date.now();
    await deliverAll();

    const status = await cli("status", "--id", created.id, "--json");
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toEqual({ queued: 0, sending: 0, sent: 3, failed: 0, unknown: 0, letters: 1 });

    const again = await cli("send", "--id", created.id, "--ignore-sending-hours");
    expect(again.code).toBe(1);
    expect(again.stdout).toBe("");
    expect(again.stderr.trim().split("\n")).toHaveLength(1);
    expect(again.stderr).toMatch(/already been sent/);
    expect(await auditActions(created.id)).toEqual(["campaign.created", "campaign.sent"]);

    const rows = await messageRows(created.id);
    const email = rows.filter((r) => r.channel === "email");
    expect(email.map((r) => r.status)).toEqual(["sent", "sent", "sent"]);
    for (const row of email) expect(row.template_version).toMatch(/^[0-9a-f]{16}$/);

    const links = await db.admin<{ message_id: string; patient_id: string; practice_id: string; token_hash: string; expires_at: Date }[]>`
      select message_id, patient_id, practice_id, token_hash, expires_at from personal_links
      where message_id in (select id from messages where campaign_id = ${created.id})`;
    expect(links.map((l) => l.message_id).sort()).toEqual(email.map((r) => r.id).sort());
    for (const link of links) {
      expect(link.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(link.patient_id).toBe(email.find((r) => r.id === link.message_id)!.patient_id);
      expect(link.practice_id).toBe(practiceId);
      expect(Math.abs(link.expires_at.getTime() - (sentAt + 90 * DAY_MS))).toBeLessThan(5 * 60_000);
    }

    const mail = await receivedMail();
    expect(mail.map((m) => m.to).sort()).toEqual(email.map((r) => r.to_address).sort());
    for (const m of mail) {
      const row = email.find((r) => `<${r.id}@portal.test>` === m.messageId)!;
      expect(row.to_address).toBe(m.to);
      // The link in the mail is the one whose hash was kept, in the text and the html alike.
      const tokens = new Set([...`${m.text}\n${m.html}`.matchAll(/https:\/\/portal\.test\/r\/([A-Za-z0-9_-]+)/g)].map((t) => t[1]!));
      expect(tokens.size).toBe(1);
      const [token] = [...tokens];
      expect(token!.length).toBeGreaterThanOrEqual(43);
      expect(createHash("sha256").update(token!).digest("hex")).toBe(links.find((l) => l.message_id === row.id)!.token_hash);
      expectNothingForbidden(m);
    }
  });

  it("the opt-in invitation reaches the private-contact 104 patient without a code, 'enhanced review' or a SNOMED concept", async () => {
    const created = await createCampaign("opt-in-invitation");
    const sent = await cli("send", "--id", created.id, "--ignore-sending-hours", "--confirm-opt-in-invitation");
    expect(sent.code).toBe(0);
    await deliverAll();

    const mail = await receivedMail();
    expect(mail.map((m) => m.to)).toEqual([addressOf("review-private")]);
    expectNothingForbidden(mail[0]!);
    expect(mail[0]!.text).toContain("Given8");
    const rows = await messageRows(created.id);
    expect(rows.filter((r) => r.channel === "email").map((r) => [r.status, typeof r.template_version])).toEqual([["sent", "string"]]);
    expect(await auditActions(created.id)).toEqual(["campaign.created", "campaign.sent"]);
    const [event] = await db.admin<{ summary: Record<string, unknown> }[]>`
      select summary from audit_events where action = 'campaign.sent' and subject_id = ${created.id}`;
    expect(event!.summary).toMatchObject({ confirmedOptInInvitation: true });
  });

  /** What the SMTP server received, decoded. */
  async function receivedMail() {
    return Promise.all(
      sink.received.map(async (m) => {
        expect(m.to).toHaveLength(1);
        const parsed = await PostalMime.parse(m.source);
        return { to: m.to[0]!, messageId: m.messageId, subject: parsed.subject ?? "", text: parsed.text ?? "", html: parsed.html ?? "", source: m.source };
      }),
    );
  }
});

/** DESIGN §2: no code, short or long, and no "enhanced review" in anything a patient receives. */
function expectNothingForbidden(mail: { subject: string; text: string; html: string; source: string }): void {
  // Random parts (the link's token, the Message-ID) could hold "104" by chance: leave them out.
  const readable = [mail.subject, mail.text, mail.html].join("\n").replace(/\/r\/[A-Za-z0-9_-]+/g, "/r/TOKEN");
  expect(readable).not.toMatch(/\b10[346]\b/);
  expect(readable).not.toMatch(/enhanced\s+review/i);
  for (const code of Object.values(CODES)) {
    expect(readable).not.toContain(code.conceptId);
    expect(mail.source).not.toContain(code.conceptId);
    expect(readable.toLowerCase()).not.toContain(code.term.toLowerCase());
  }
}
