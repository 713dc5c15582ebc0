import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnection, type Connection } from "../../db/client.server";
import { createEmptyDatabase } from "../helpers/test-database";

// Issue 17: under 200 connections on the public form a few submissions answered 500 with
// postgres.js's UNSAFE_TRANSACTION, and were lost. postgres.js pipelines up to 100 queries
// (max_pipeline) on a busy connection, and a transaction's BEGIN reserves its connection only
// when it is not the query that fills that pipeline (ADR 0012). Load met that boundary by
// chance, a few times in 18,000; here two connections are held busy and filled to one short
// of the boundary, so the next BEGIN lands on it every time. A BEGIN sent without reserving
// its connection leaves a transaction open on the server that nothing commits, and later
// statements on that connection (other people's submissions) vanish into it.

/** postgres.js's default: how many queries it sends on a connection before waiting for answers. */
const MAX_PIPELINE = 100;
const POOL = 2;

let database: Awaited<ReturnType<typeof createEmptyDatabase>>;
let connection: Connection;
/** Another client, to see what the application's connections have committed. */
let observer: postgres.Sql;

/** Runs a drizzle query and waits for it; drizzle's queries start only when awaited. */
const run = (query: PromiseLike<unknown>) => Promise.resolve(query);
/** Lets every query started so far reach postgres.js's pool before the next are started. */
const dispatched = () => new Promise((resolve) => setImmediate(resolve));

/** Both connections busy for a moment, each with `perConnection` more queries pipelined behind. */
async function fillPipelines(perConnection: number): Promise<Promise<unknown>[]> {
  const started = Array.from({ length: POOL }, () => run(connection.db.execute(sql`select pg_sleep(0.3)`)));
  await dispatched();
  for (let i = 0; i < POOL * perConnection; i++) started.push(run(connection.db.execute(sql`select 1`)));
  await dispatched();
  return started;
}

/** A submission, stored in a transaction as the public form stores one. */
function submit(label: string): Promise<unknown> {
  return connection.db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('app.practice_id', ${label}, true)`);
    await tx.execute(sql`insert into submissions (label) values (${label})`);
  });
}

async function storedLabels(): Promise<string[]> {
  return (await observer<{ label: string }[]>`select label from submissions order by label`).map((r) => r.label);
}

beforeAll(async () => {
  database = await createEmptyDatabase();
  observer = postgres(database.url, { max: 1, onnotice: () => {} });
  await observer`create table submissions (label text primary key)`;
  connection = createConnection(database.url, { max: POOL });
  // Open both connections.
  await Promise.all(Array.from({ length: POOL }, () => run(connection.db.execute(sql`select pg_sleep(0.05)`))));
});

afterAll(async () => {
  await connection?.close();
  await observer?.end();
  await database?.drop();
});

/**
 * Everything sent so far is stored, and stays stored: ten more statements outside a transaction
 * are committed (not swallowed by a transaction left open), and no connection is left in one.
 */
async function expectNothingLost(round: string, settled: PromiseSettledResult<unknown>[], labels: string[]): Promise<void> {
  expect(settled.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
  const after = Array.from({ length: 10 }, (_, i) => `${round}-after-${i}`);
  for (const label of after) await run(connection.db.execute(sql`insert into submissions (label) values (${label})`));
  const stored = new Set(await storedLabels());
  expect([...labels, ...after].filter((label) => !stored.has(label))).toEqual([]);
  const [open] = await observer<{ n: number }[]>`
    select count(*)::int as n from pg_stat_activity
    where datname = current_database() and state like 'idle in transaction%'`;
  expect(open!.n).toBe(0);
}

describe("submissions on a pool whose connections are busy", () => {
  it("are all stored when a BEGIN is the query that fills a busy connection's pipeline", async () => {
    const busy = await fillPipelines(MAX_PIPELINE - 1);
    const settled = await Promise.allSettled([...busy, submit("a1"), submit("a2")]);
    await expectNothingLost("a", settled, ["a1", "a2"]);
  });

  it("are all stored when a BEGIN fills the pipeline of a connection taking queued queries", async () => {
    // Both pipelines full: what follows waits in the pool's queue, and the first connection free
    // takes up to a pipeline's worth of it at once.
    const busy = await fillPipelines(MAX_PIPELINE);
    for (let i = 0; i < MAX_PIPELINE; i++) busy.push(run(connection.db.execute(sql`select 2`)));
    await dispatched();
    const settled = await Promise.allSettled([...busy, submit("b1"), submit("b2")]);
    await expectNothingLost("b", settled, ["b1", "b2"]);
  });
});
