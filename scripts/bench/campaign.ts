import { randomInt } from "node:crypto";
import nodemailer from "nodemailer";
import { SMTPServer } from "smtp-server";
import { withPractice } from "../../db/tenancy.server";
import { freePort } from "../../db/free-port.server";
import { logLine } from "../../app/cli/output";
import { practiceContact, type MessageProps } from "../../app/domain/message-templates";
import { DEFAULT_SENDING_HOURS } from "../../app/domain/sending-hours";
import { syntheticPatients } from "../../app/domain/synthetic-patients";
import { upsertPatients } from "../../app/models/patients.server";
import { createCampaign, getCampaignProgress, sendCampaign } from "../../app/services/campaigns.server";
import { createMailTransport } from "../../app/services/mail-transport.server";
import { personalise, prepareTemplate, renderNaive } from "../../app/services/message-render.server";
import { addPractice } from "../../app/services/practices.server";
import { createOutboxWorker } from "../../app/worker/outbox-worker.server";
import type { Figure } from "./main";

// Issue 5, point 7: queue a campaign to a 10,000-patient practice, render it,
// and deliver it to an SMTP server in this process, each beside the simplest
// way of doing the same thing in the same run.

export const CAMPAIGN_PATIENTS = 10_000;
/** One full React render each is slow: time this many and work out the rate. */
const NAIVE_RENDERS = 300;
const TARGETS = { queueSeconds: 2, renderRatio: 10, deliveryShare: 0.8 } as const;
const PUBLIC_URL = "https://portal.example.nhs.uk";

export async function runCampaignBenchmark(): Promise<Figure[]> {
  const practice = await createBenchmarkPractice();
  logLine(`Adding ${CAMPAIGN_PATIENTS.toLocaleString("en-GB")} patients to ${practice.odsCode}…`);
  await addPatients(practice.id);

  // 1. Queueing: the cohort from effective access states, and every message row in one statement.
  let started = performance.now();
  const campaign = await createCampaign({ practiceId: practice.id, templateKey: "opt-out-announcement", actor: { id: null, role: "cli" } });
  const queueSeconds = (performance.now() - started) / 1000;
  const rows = campaign.recipients + campaign.letters;

  // 2. Rendering: a skeleton per practice, personalised, against one React render per recipient.
  const contact = practiceContact(practice);
  const props = (i: number): MessageProps => ({
    practice: contact,
    firstName: `Patient${i}`,
    linkUrl: `${PUBLIC_URL}/r/${"x".repeat(43)}${i}`,
    linkExpires: "19 February 2027",
    reference: "",
    date: "1 December 2026",
  });
  logLine(`Rendering ${NAIVE_RENDERS} messages the naive way, and ${CAMPAIGN_PATIENTS.toLocaleString("en-GB")} the portal's way…`);
  started = performance.now();
  for (let i = 0; i < NAIVE_RENDERS; i += 1) await renderNaive("opt-out-announcement", props(i));
  const naiveRate = NAIVE_RENDERS / ((performance.now() - started) / 1000);
  started = performance.now();
  const prepared = await prepareTemplate("opt-out-announcement", contact);
  const rendered = Array.from({ length: CAMPAIGN_PATIENTS }, (_, i) => personalise(prepared, props(i)));
  const renderRate = CAMPAIGN_PATIENTS / ((performance.now() - started) / 1000);

  // 3. Delivery: the worker sending the campaign, against bare nodemailer
  // sending the same messages to the same sink. The sink shares this process,
  // so each rate swings with whatever else the two cores are doing: each is
  // measured in two rounds, alternately, and the better round of each counts.
  const sink = await startSink();
  try {
    const second = await createCampaign({ practiceId: practice.id, templateKey: "opt-out-announcement", actor: { id: null, role: "cli" } });
    const workerRates: number[] = [];
    const bareRates: number[] = [];
    for (const round of [campaign, second]) {
      logLine(`Round ${workerRates.length + 1}: the outbox worker, then bare nodemailer…`);
      sink.reset();
      workerRates.push(await sendWithWorker(practice.id, round.id, round.recipients, sink.url));
      sink.reset();
      bareRates.push(await sendBare(rendered.slice(0, round.recipients), sink.port));
      if (sink.received() !== round.recipients) throw new Error(`The sink received ${sink.received()} of ${round.recipients}.`);
    }
    const workerRate = Math.max(...workerRates);
    const bareRate = Math.max(...bareRates);

    return [
      { figure: "campaign: message rows queued", value: rows.toLocaleString("en-GB"), comparedWith: `${campaign.recipients} email, ${campaign.letters} letters`, ratio: "" },
      {
        figure: "campaign: seconds to queue",
        value: queueSeconds.toFixed(2),
        comparedWith: `target < ${TARGETS.queueSeconds}`,
        ratio: verdict(queueSeconds / TARGETS.queueSeconds, queueSeconds < TARGETS.queueSeconds),
      },
      { figure: "render (html + text): messages/s", value: Math.round(renderRate).toLocaleString("en-GB"), comparedWith: "", ratio: "" },
      {
        figure: "render: naive, one React render each",
        value: Math.round(naiveRate).toLocaleString("en-GB"),
        comparedWith: `target ≥ ${TARGETS.renderRatio}× faster`,
        ratio: verdict(renderRate / naiveRate, renderRate / naiveRate >= TARGETS.renderRatio),
      },
      {
        figure: "delivery: outbox worker, messages/s",
        value: Math.round(workerRate).toLocaleString("en-GB"),
        comparedWith: `better of ${workerRates.map((r) => Math.round(r)).join(" and ")}`,
        ratio: "",
      },
      {
        figure: "delivery: bare nodemailer, messages/s",
        value: Math.round(bareRate).toLocaleString("en-GB"),
        comparedWith: `better of ${bareRates.map((r) => Math.round(r)).join(" and ")}; target: worker ≥ ${TARGETS.deliveryShare * 100}% of this`,
        ratio: verdict(workerRate / bareRate, workerRate / bareRate >= TARGETS.deliveryShare),
      },
    ];
  } finally {
    await sink.close();
    // The synthetic patients stay with their practice: messages and the audit trail refer to them.
  }
}

async function sendWithWorker(practiceId: string, campaignId: string, recipients: number, sinkUrl: string): Promise<number> {
  const transport = createMailTransport(sinkUrl, { rateLimit: 0 });
  const worker = createOutboxWorker({
    transport,
    from: "bench@portal.example.nhs.uk",
    publicUrl: PUBLIC_URL,
    sendingHours: DEFAULT_SENDING_HOURS,
    retry: { baseMs: 1000, maxMs: 10_000, maxAttempts: 5 },
    staleAfterMs: 60_000,
    idleMs: 20,
  });
  const sent = await sendCampaign({ practiceId, campaignId, actor: { id: null, role: "cli" }, when: "now", ignoreSendingHours: true });
  if (!sent.ok) throw new Error(sent.error);
  const started = performance.now();
  void worker.run();
  for (;;) {
    const progress = await getCampaignProgress(practiceId, campaignId);
    if (progress && progress.done === progress.total) {
      if (progress.counts.sent !== recipients) throw new Error(`The worker sent ${progress.counts.sent} of ${recipients}.`);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const rate = recipients / ((performance.now() - started) / 1000);
  await worker.stop();
  transport.close();
  return rate;
}

async function sendBare(messages: { subject: string; html: string; text: string }[], port: number): Promise<number> {
  const bare = nodemailer.createTransport({ pool: true, host: "127.0.0.1", port, secure: false, ignoreTLS: true, maxConnections: 5, maxMessages: Infinity });
  const started = performance.now();
  await Promise.all(
    messages.map((m, i) => bare.sendMail({ from: "bench@portal.example.nhs.uk", to: `patient${i}@example.org`, subject: m.subject, html: m.html, text: m.text })),
  );
  const rate = messages.length / ((performance.now() - started) / 1000);
  bare.close();
  return rate;
}

function verdict(ratio: number, pass: boolean): string {
  return `${ratio.toFixed(2)} ${pass ? "PASS" : "FAIL"}`;
}

export async function createBenchmarkPractice() {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const odsCode = `C${String(randomInt(100_000)).padStart(5, "0")}`;
    const added = await addPractice({ odsCode, name: `Benchmark ${odsCode} (synthetic patients)`, clinicalSystem: "emis" });
    if (added.ok) return added.practice;
  }
  throw new Error("Could not find an unused ODS code for the benchmark practice.");
}

/** Every patient an adult on the list with an email address, so all 10,000 are in the cohort. */
async function addPatients(practiceId: string): Promise<void> {
  const list = syntheticPatients({ seed: `bench-campaign-${practiceId}`, count: CAMPAIGN_PATIENTS });
  await withPractice(practiceId, (tx) =>
    upsertPatients(
      tx,
      list.map(({ codes: _codes, ...p }, i) => ({
        ...p,
        practiceId,
        dateOfBirth: p.dateOfBirth < "2008-01-01" ? p.dateOfBirth : "1980-06-15",
        deceased: false,
        email: `patient${i}@example.org`,
        registration: "registered" as const,
      })),
    ),
  );
}

/** An SMTP server in this process that takes every message and keeps only a count. */
async function startSink() {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      stream.on("data", () => {});
      stream.on("end", () => {
        received += 1;
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received: () => received,
    reset: () => (received = 0),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
