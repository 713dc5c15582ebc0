import { randomBytes } from "node:crypto";
import autocannon from "autocannon";
import postgres from "postgres";
import { createConnection, setConnection, type Connection } from "../../db/client.server";
import { freePort } from "../../db/free-port.server";
import { applyMigrations } from "../../db/migrate.server";
import { logLine } from "../../app/cli/output";
import { addPractice } from "../../app/services/practices.server";
import { percentiles, startBenchServer } from "./bench-server";
import type { Figure } from "./main";

// Issue 17: the portal at its edges, started as `npm start` would on a fresh database.
//
// "30 parallel sign-ins for a locked address": one made-up email address is locked by five
// wrong passwords, then 30 connections keep sign-in POSTs for it in flight while /healthz and
// the public home page (which reads the database) are timed one request after another.
// Nothing a stranger does to one address may slow the portal for everyone else.
//
// "200 connections on the public form": each connection sends a full submission the moment its
// last one is answered. The form answers no sooner than 400 ms (so that timing says nothing about
// a match) and allows 30 submissions an hour from one client address, so each submission comes
// from its own address and its own made-up patient. Distinct addresses can only be claimed
// through X-Forwarded-For, which the server believes only with TRUST_PROXY set: this server is
// started with TRUST_PROXY=1, as if behind one proxy. Every answer is a redirect carrying the
// reference shown to the patient; each one must then be in the database.

const LOCKED = { connections: 30, seconds: 20, targetP95Ms: 100 } as const;
/** The public form runs for 30 s unless --seconds says otherwise. */
const FORM = { connections: 200, seconds: 30 } as const;
/** Pause between one timed request's answer and the next. */
const PROBE_PAUSE_MS = 50;
const ODS_CODE = "E00001";

interface Latencies {
  p50: number;
  p95: number;
  p99: number;
  count: number;
  failed: number;
}

export async function runEdgeBenchmark(options: { databaseUrl: string; seconds?: number }): Promise<Figure[]> {
  const server = new URL(options.databaseUrl);
  const name = `bench_edge_${randomBytes(4).toString("hex")}`;
  const admin = postgres({ host: server.hostname, port: Number(server.port || 5432), username: decodeURIComponent(server.username), password: decodeURIComponent(server.password), database: server.pathname.slice(1), max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(options.databaseUrl);
  url.pathname = `/${name}`;
  let connection: Connection | undefined;
  let owner: postgres.Sql | undefined;
  let stop = async () => {};
  try {
    await applyMigrations(url.toString());
    connection = createConnection(url.toString(), { max: 2, asApp: true });
    setConnection(connection);
    const added = await addPractice({ odsCode: ODS_CODE, name: "Edge Practice", clinicalSystem: "emis" });
    if (!added.ok) throw new Error(added.error);
    owner = postgres(url.toString(), { max: 1, onnotice: () => {} });
    const port = await freePort();
    const server = await startBenchServer({ DATABASE_URL: url.toString(), PORT: String(port), WORKER: "false", DEMO_PRACTICE: "false", NODE_ENV: "production", TRUST_PROXY: "1" });
    stop = async () => {
      // A 500 logs its error: show the first few, as they are what the figures cannot say.
      const problems = server.log().split("\n").filter((line) => /error/i.test(line)).slice(0, 5);
      if (problems.length > 0) logLine(`Edge: the server logged, among others:\n${problems.join("\n")}`);
      await server.stop();
    };
    const base = `http://localhost:${port}`;
    return [...(await lockedAddress(base)), ...(await publicForm(base, owner, options.seconds ?? FORM.seconds))];
  } finally {
    await stop();
    setConnection(undefined);
    await connection?.close();
    await owner?.end();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

async function lockedAddress(base: string): Promise<Figure[]> {
  const email = `nobody-${randomBytes(4).toString("hex")}@example.org`;
  const signIn = { method: "POST" as const, path: "/staff/sign-in", body: new URLSearchParams({ email, password: "not-the-password", returnTo: "" }).toString(), headers: { "content-type": "application/x-www-form-urlencoded", origin: base } };
  logLine(`Edge: locking ${email} with five wrong passwords…`);
  for (let i = 0; i < 5; i++) await (await fetch(base + signIn.path, { ...signIn, redirect: "manual" })).arrayBuffer();

  const idle = await probeBoth(base, 3);
  logLine(`Edge: ${LOCKED.connections} parallel sign-ins for the locked address for ${LOCKED.seconds} s, timing /healthz and / meanwhile…`);
  const statuses: Record<string, number> = {};
  const attack = run({ url: base, connections: LOCKED.connections, duration: LOCKED.seconds, requests: [signIn] }, statuses);
  // Let every attacking connection have a request in flight before timing starts.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const busy = await probeBoth(base, LOCKED.seconds - 1);
  const attacked = await attack;

  const ms = (n: number) => `${n.toFixed(0)} ms`;
  const figures = (["/healthz", "/"] as const).map((path, i): Figure => {
    const m = busy[i]!;
    const verdict = m.p95 < LOCKED.targetP95Ms && m.failed === 0 ? "PASS" : "FAIL";
    return {
      figure: `edge: GET ${path} during 30 sign-ins for a locked address, p50/p95/p99`,
      value: `${ms(m.p50)} / ${ms(m.p95)} / ${ms(m.p99)}`,
      comparedWith: `idle p95 ${ms(idle[i]!.p95)}; ${m.count} requests, ${m.failed} failed`,
      ratio: `${(m.p95 / Math.max(idle[i]!.p95, 0.1)).toFixed(1)}× · p95 ${verdict} (< ${LOCKED.targetP95Ms} ms)`,
    };
  });
  figures.push({
    figure: "edge: sign-in POSTs for the locked address, by status",
    value: describeStatuses(statuses),
    comparedWith: `${(attacked.count / LOCKED.seconds).toFixed(1)}/s over ${LOCKED.connections} connections`,
    ratio: "",
  });
  return figures;
}

async function publicForm(base: string, owner: postgres.Sql, seconds: number): Promise<Figure[]> {
  logLine(`Edge: ${FORM.connections} connections on the public form for ${seconds} s…`);
  let sent = 0;
  const accepted = new Set<string>();
  const statuses: Record<string, number> = {};
  const result = await run(
    {
      url: base,
      connections: FORM.connections,
      duration: seconds,
      timeout: 30,
      requests: [
        {
          method: "POST",
          path: `/requests/new?practice=${ODS_CODE}&kind=opt-out`,
          setupRequest: (request) => {
            const n = sent++;
            return {
              ...request,
              body: new URLSearchParams({
                step: "check", intent: "submit", website: "", givenName: "Edge", familyName: `Patient${n}`,
                dateOfBirthDay: "1", dateOfBirthMonth: "2", dateOfBirthYear: "1970", postcode: "LS1 4AP", nhsNumber: "", email: "patient@example.org", mobile: "", optOutScope: "no-online-access",
              }).toString(),
              headers: { "content-type": "application/x-www-form-urlencoded", origin: base, "x-forwarded-for": `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` },
            };
          },
          onResponse: (status, _body, _context, headers) => {
            const reference = /[?&]ref=([^&]+)/.exec(String(headers?.location ?? ""))?.[1];
            if (status < 400 && reference) accepted.add(decodeURIComponent(reference));
          },
        },
      ],
    },
    statuses,
  );

  const stored = new Set(
    (await owner<{ reference: string }[]>`select answers->>'shownReference' as reference from request_submissions`).map((r) => r.reference),
  );
  const [refused] = await owner<{ n: number }[]>`select count(*)::int as n from audit_events where action = 'request.refused-throttled'`;
  const storedOfAccepted = [...accepted].filter((reference) => stored.has(reference)).length;
  const errors = Object.entries(statuses).filter(([status]) => Number(status) >= 500).reduce((sum, [, n]) => sum + n, 0);
  return [
    {
      figure: `edge: public form, ${FORM.connections} connections for ${seconds} s, responses by status`,
      value: describeStatuses(statuses),
      comparedWith: `${(result.count / seconds).toFixed(0)}/s; p50/p95 ${result.p50.toFixed(0)} / ${result.p95.toFixed(0)} ms`,
      ratio: "",
    },
    {
      figure: "edge: public form, responses of 500",
      value: `${errors} responses of 500`,
      comparedWith: `${result.count} responses`,
      ratio: errors === 0 ? "PASS" : "FAIL",
    },
    {
      figure: "edge: public form, accepted submissions stored",
      value: `every accepted submission stored: ${storedOfAccepted} of ${accepted.size}`,
      comparedWith: `${stored.size} stored in all (${stored.size - storedOfAccepted} still in flight when the run ended), ${refused!.n} refused by a limit`,
      ratio: storedOfAccepted === accepted.size && accepted.size > 0 ? "PASS" : "FAIL",
    },
  ];
}

function describeStatuses(statuses: Record<string, number>): string {
  return Object.entries(statuses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${n} × ${status}`)
    .join(", ");
}

/** Runs autocannon, counting answers by status (and failed connections as "error"). */
function run(options: autocannon.Options, statuses: Record<string, number>): Promise<Latencies> {
  const times: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, result) => {
      if (error) return reject(error);
      const failed = result.errors + result.timeouts;
      if (failed > 0) statuses.error = (statuses.error ?? 0) + failed;
      resolve({ ...percentiles(times), count: times.length, failed });
    });
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      times.push(responseTime);
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    });
  });
}

/** /healthz and / each timed one request after another, side by side, for `seconds`. */
function probeBoth(base: string, seconds: number): Promise<[Latencies, Latencies]> {
  const deadline = performance.now() + seconds * 1000;
  return Promise.all([probe(`${base}/healthz`, deadline), probe(`${base}/`, deadline)]);
}

async function probe(url: string, deadline: number): Promise<Latencies> {
  const times: number[] = [];
  let failed = 0;
  while (performance.now() < deadline) {
    const started = performance.now();
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
      await response.arrayBuffer();
      if (response.status !== 200) failed += 1;
    } catch {
      failed += 1;
    }
    times.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, PROBE_PAUSE_MS));
  }
  return { ...percentiles(times), count: times.length, failed };
}

