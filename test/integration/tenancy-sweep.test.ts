import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, DEMO_STAFF } from "../../app/services/demo-practice.server";
import { startAppUnderTest, type AppUnderTest } from "../helpers/app-under-test";
import { pathOf, routeFiles, type RouteFile } from "../helpers/route-files";
import { runCli } from "../helpers/run-command";
import { StaffClient } from "../helpers/staff-http";

// Issue 10, point 4 (the part about ids): a manager of the demo practice puts
// another practice's ids in every path of every route that takes one, found
// from the route files, and in the form fields that name a record. Each must
// answer as if the record did not exist, show nothing of it and change nothing.

const manager = DEMO_STAFF.find((p) => p.role === "manager")!;
const OTHER = { ods: "Z99001", name: "Elsewhere Health Centre" };

/** Parameters that are not a practice's records: tokens, the development mail catcher. */
const NOT_PRACTICE_RECORDS = new Set(["token"]);
/** The development mail catcher holds every message the process sent, for whoever runs it: not in production. */
const DEVELOPMENT_ONLY = /^\/staff\/mail\//;

describe("another practice's ids, in every path and the forms that name records", () => {
  let app: AppUnderTest;
  let admin: postgres.Sql;
  let client: StaffClient;
  const other = { requestId: "", campaignId: "", reference: "RQ-ZZZZ-9999", patientName: "", patientNhs: "", batchId: "", staffId: "" };
  let routes: RouteFile[] = [];

  beforeAll(async () => {
    app = await startAppUnderTest();
    admin = postgres(app.databaseUrl, { max: 1, onnotice: () => {} });
    const env = { DATABASE_URL: app.databaseUrl };
    expect((await runCli(["practice", "add", "--ods", OTHER.ods, "--name", OTHER.name, "--system", "tpp"], env)).code).toBe(0);
    expect((await runCli(["seed", "--practice", OTHER.ods, "--patients", "30"], env)).code).toBe(0);
    const created = await runCli(["campaign", "create", "--practice", OTHER.ods, "--template", "opt-out-announcement", "--json"], env);
    other.campaignId = (JSON.parse(created.stdout) as { id: string }).id;
    const [practice] = await admin<{ id: string }[]>`select id from practices where ods_code = ${OTHER.ods}`;
    const [patient] = await admin<{ id: string; given_name: string; family_name: string; nhs_number: string }[]>`
      select id, given_name, family_name, nhs_number from patients where practice_id = ${practice!.id} order by nhs_number limit 1`;
    other.patientName = `${patient!.given_name} ${patient!.family_name}`;
    other.patientNhs = patient!.nhs_number;
    const [request] = await admin<{ id: string }[]>`
      insert into requests (practice_id, reference, kind, state, patient_id, identity_match, channel)
      values (${practice!.id}, ${other.reference}, 'opt-out', 'triage', ${patient!.id}, 'full', 'online-form') returning id`;
    other.requestId = request!.id;
    const [batch] = await admin<{ id: string }[]>`
      insert into letter_batches (practice_id, kind, letter_count) values (${practice!.id}, 'registration', 1) returning id`;
    other.batchId = batch!.id;
    const [staff] = await admin<{ id: string }[]>`insert into staff_users (email, name, status) values ('elsewhere@example.org', 'Elsie Elsewhere', 'active') returning id`;
    await admin`insert into staff_memberships (staff_user_id, practice_id, role) values (${staff!.id}, ${practice!.id}, 'manager')`;
    other.staffId = staff!.id;

    client = new StaffClient(app.baseUrl);
    await client.signIn(manager.email, DEMO_PASSWORD, manager.totpSecret);
    routes = routeFiles().filter((r) => r.params.length > 0 && !r.params.some((p) => NOT_PRACTICE_RECORDS.has(p)) && !DEVELOPMENT_ONLY.test(r.pattern));
  }, 120_000);

  afterAll(async () => {
    await admin?.end();
    await app?.stop();
  });

  /** The other practice's record for a route's parameters, by what the route is about. */
  function idsFor(route: RouteFile): Record<string, string> {
    if (route.pattern.startsWith("/staff/requests/")) return { id: other.requestId };
    if (route.pattern.startsWith("/staff/campaigns/")) return { id: other.campaignId, n: "1" };
    // Import jobs live in the process that took the upload; any id not this practice's is unknown.
    return Object.fromEntries(route.params.map((p) => [p, randomUUID()]));
  }

  const leaks = (body: string) => [OTHER.name, OTHER.ods, other.reference, other.patientName].filter((text) => body.includes(text));

  async function unchanged() {
    const [request] = await admin<{ version: number; patient_id: string; assigned_to: string | null }[]>`
      select version, patient_id, assigned_to from requests where id = ${other.requestId}`;
    const [campaign] = await admin<{ status: string }[]>`select status from campaigns where id = ${other.campaignId}`;
    const [batch] = await admin<{ printed_at: string | null }[]>`select printed_at from letter_batches where id = ${other.batchId}`;
    return { request, campaign, batch };
  }

  it("finds routes with ids to sweep, from the route files", () => {
    expect(routes.map((r) => r.pattern)).toEqual(
      expect.arrayContaining(["/staff/requests/:id", "/staff/campaigns/:id", "/staff/requests/:id/outcome-letter.pdf", "/staff/import/:jobId"]),
    );
  });

  it("shows the practice's own request (so a not-found below is the other practice's id, not a broken path)", async () => {
    const [practice] = await admin<{ id: string }[]>`select id from practices where ods_code <> ${OTHER.ods} limit 1`;
    const [own] = await admin<{ id: string }[]>`
      insert into requests (practice_id, reference, kind, state, identity_match, channel)
      values (${practice!.id}, 'RQ-OWNN-2222', 'opt-in', 'identity-check', 'none', 'online-form') returning id`;
    const response = await client.get(pathOf(routes.find((r) => r.pattern === "/staff/requests/:id")!, { id: own!.id }));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("RQ-OWNN-2222");
  });

  it("answers every page and download with another practice's id as not found, showing nothing of it", async () => {
    for (const route of routes.filter((r) => r.hasLoader)) {
      const path = pathOf(route, idsFor(route));
      const response = await client.get(path);
      expect([403, 404], `GET ${path}`).toContain(response.status);
      expect(leaks(await response.text()), `GET ${path}`).toEqual([]);
    }
  });

  it("shows nothing of another practice whatever its identifiers in any query string a page reads", async () => {
    // Every name a route reads from its query (found in its file) given each of the other
    // practice's identifiers in turn: a search, a filter, a "just saved" or "just printed" id.
    const pages = routeFiles().filter((r) => r.hasLoader && r.queryNames.length > 0 && r.pattern.startsWith("/staff/") && !DEVELOPMENT_ONLY.test(r.pattern));
    expect(pages.map((r) => r.pattern)).toEqual(expect.arrayContaining(["/staff/requests", "/staff/patients", "/staff/letters", "/staff/at-risk"]));
    const identifiers = [other.reference, other.patientNhs, other.patientName, other.requestId, other.staffId, other.batchId, other.campaignId];
    for (const route of pages) {
      for (const identifier of identifiers) {
        const query = new URLSearchParams(route.queryNames.map((name) => [name, identifier])).toString();
        const path = `${pathOf(route, idsFor(route))}?${query}`;
        const response = await client.get(path);
        expect(response.status, `GET ${path}`).toBeLessThan(500);
        // What was typed may be shown back in its box; anything else of theirs is a leak.
        expect(leaks(await response.text()).filter((text) => text !== identifier), `GET ${path}`).toEqual([]);
      }
    }
  });

  it("changes nothing when any action is posted with another practice's id in its path", async () => {
    const before = await unchanged();
    const fields = { intent: "decide", version: "1", outcome: "opt-out-recorded", toEnter: "103", accessLevel: "none", identityMethod: "record-match", assignTo: "", campaignId: other.campaignId, confirm: "yes" };
    for (const route of routes.filter((r) => r.hasAction)) {
      const path = pathOf(route, idsFor(route));
      const response = await client.post(path, fields);
      expect([400, 403, 404, 307], `POST ${path}`).toContain(response.status);
      expect(leaks(await response.text()), `POST ${path}`).toEqual([]);
    }
    expect(await unchanged()).toEqual(before);
  });

  it("refuses another practice's ids in the form fields that name a record", async () => {
    const before = await unchanged();
    const [own] = await admin<{ id: string }[]>`
      select r.id from requests r join practices p on p.id = r.practice_id where p.ods_code <> ${OTHER.ods} limit 1`;
    const posts: [string, Record<string, string>][] = [
      ["/staff/letters/campaign.pdf", { campaignId: other.campaignId }],
      ["/staff/letters", { intent: "mark-printed", batchId: other.batchId }],
      ["/staff/requests/new", { patientId: (await admin<{ id: string }[]>`select patient_id as id from requests where id = ${other.requestId}`)[0]!.id, kind: "opt-out", channel: "phone", takenBy: other.staffId, receivedOnDay: "1", receivedOnMonth: "1", receivedOnYear: "2026", identityCheck: "record-match" }],
    ];
    if (own) posts.push([`/staff/requests/${own.id}`, { intent: "assign", assignTo: other.staffId }]);
    for (const [path, form] of posts) {
      const response = await client.post(path, form);
      expect(response.headers.get("content-type") ?? "", `POST ${path}`).not.toContain("application/pdf");
      expect(leaks(await response.text()), `POST ${path}`).toEqual([]);
    }
    expect(await unchanged()).toEqual(before);
    const [assigned] = await admin<{ n: number }[]>`select count(*)::int as n from requests where assigned_to = ${other.staffId}`;
    expect(assigned!.n).toBe(0);
    const [entered] = await admin<{ n: number }[]>`select count(*)::int as n from requests where channel = 'phone'`;
    expect(entered!.n).toBe(0);
  });
});
