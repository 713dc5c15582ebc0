import { parse } from "csv-parse/sync";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startsLikeFormula } from "../../app/domain/csv-out";
import { DEMO_PASSWORD, DEMO_STAFF } from "../../app/services/demo-practice.server";
import { startAppUnderTest, type AppUnderTest } from "../helpers/app-under-test";
import { pathOf, routeFiles, type RouteFile } from "../helpers/route-files";
import { runCli } from "../helpers/run-command";
import { StaffClient } from "../helpers/staff-http";
import { until } from "../helpers/waiting";

// Issue 10, point 4 (hostile text): names, addresses, a request's answers, a
// member of staff's name and the practice's name set to payloads that break
// pages, spreadsheets and queries when handled carelessly, then every page,
// download and email preview the route files declare is fetched as a manager,
// and also with the payloads in its query string. Each must answer without a
// server error, show the payloads only as text, and never as markup or formulas.

const SCRIPT = `<script>alert("xss")</script>`;
const IMG = `"><img src=x onerror=alert(1)>`;
const FORMULA = `=HYPERLINK("https://evil.example","Click")`;
const SQL = `Robert'); DROP TABLE patients; --`;
const BIDI = "\u202Eevil\u202C";
/** What must never appear in a page as it was typed: each would be live markup. */
const RAW_MARKUP = [SCRIPT, IMG.slice(2), `onerror=alert(1)>`];

const manager = DEMO_STAFF.find((p) => p.role === "manager")!;
const reception = DEMO_STAFF.find((p) => p.role === "reception")!;
/** Set-up and sign-in links carry one-time tokens: not pages a signed-in manager browses. */
const TOKEN_ROUTES = (route: RouteFile) => route.params.includes("token");

describe("hostile text through every page, download and email", () => {
  let app: AppUnderTest;
  let admin: postgres.Sql;
  let client: StaffClient;
  const ids = { requestId: "", campaignId: "", mailId: "", patientNhs: "" };

  beforeAll(async () => {
    // Mail at any hour, so the request's email is sent whenever the test runs.
    app = await startAppUnderTest({ env: { SENDING_HOURS: "00:00-24:00" } });
    admin = postgres(app.databaseUrl, { max: 1, onnotice: () => {} });
    const [practice] = await admin<{ id: string; ods_code: string }[]>`select id, ods_code from practices limit 1`;
    await admin`update practices set name = ${`Riverside ${SCRIPT} Surgery`} where id = ${practice!.id}`;
    await admin`update staff_users set name = ${`${IMG} ${FORMULA}`} where email = ${reception.email}`;

    // A patient on the list (as an import would leave them) with every text field hostile, an
    // active 104 so they are on the at-risk list, and an email so messages go to them.
    const [patient] = await admin<{ id: string; nhs_number: string; date_of_birth: string; postcode: string }[]>`
      select id, nhs_number, date_of_birth::text, postcode from patients
      where practice_id = ${practice!.id} and registration = 'registered' and not deceased and date_of_birth < '2000-01-01' and postcode is not null
      order by nhs_number limit 1`;
    ids.patientNhs = patient!.nhs_number;
    await admin`
      update patients set given_name = ${IMG}, family_name = ${FORMULA}, address_line_1 = ${SQL}, address_line_2 = ${SCRIPT},
                          address_line_3 = ${BIDI}, email = 'hostile@example.org', contact_is_private = true
      where id = ${patient!.id}`;
    await admin`
      insert into coded_entries (practice_id, patient_id, code, recorded_on, source)
      values (${practice!.id}, ${patient!.id}, '104', '2024-05-01', 'import')`;
    // Reviewed by a clinician (with a hostile note) as not at risk: the remediation CSV lists them.
    await admin`
      insert into at_risk_reviews (practice_id, patient_id, outcome, reviewed_by, note)
      select ${practice!.id}, ${patient!.id}, 'not-at-risk', id, ${SCRIPT} from staff_users where email = ${manager.email}`;

    // A request as a patient would send it through the public form, with hostile typed details.
    const [year, month, day] = patient!.date_of_birth.split("-");
    const sent = await fetch(`${app.baseUrl}/requests/new?practice=${practice!.ods_code}&kind=opt-out`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: app.baseUrl },
      body: new URLSearchParams({
        step: "check", intent: "submit", website: "", givenName: IMG, familyName: FORMULA,
        dateOfBirthDay: String(Number(day)), dateOfBirthMonth: String(Number(month)), dateOfBirthYear: year!,
        postcode: patient!.postcode, nhsNumber: patient!.nhs_number, email: "hostile@example.org", mobile: "", optOutScope: "no-online-access",
      }),
    });
    expect(sent.status).toBeLessThan(500);
    const [request] = await admin<{ id: string }[]>`select id from requests where practice_id = ${practice!.id} order by received_at desc limit 1`;
    expect(request, "the public form took the hostile request").toBeDefined();
    ids.requestId = request!.id;

    const created = await runCli(["campaign", "create", "--practice", practice!.ods_code, "--template", "opt-out-announcement", "--json"], { DATABASE_URL: app.databaseUrl });
    expect(created.code).toBe(0);
    ids.campaignId = (JSON.parse(created.stdout) as { id: string }).id;

    client = new StaffClient(app.baseUrl);
    await client.signIn(manager.email, DEMO_PASSWORD, manager.totpSecret);
    // The "request received" email reaches the development mail catcher: its page shows it.
    await until(async () => {
      const page = await (await client.get("/staff/mail")).text();
      ids.mailId = /href="\/staff\/mail\/([^"/]+)"/.exec(page)?.[1] ?? "";
      return ids.mailId !== "";
    }, "the request's email to reach the mail catcher", 20_000);
  }, 120_000);

  afterAll(async () => {
    await admin?.end();
    await app?.stop();
  });

  function pathFor(route: RouteFile): string {
    return pathOf(route, { id: route.pattern.startsWith("/staff/campaigns/") ? ids.campaignId : route.pattern.startsWith("/staff/mail/") ? ids.mailId : ids.requestId, n: "1" });
  }

  /** What is wrong with a response: an empty list when it is safe. */
  async function problemsOf(response: Response): Promise<string[]> {
    const problems: string[] = [];
    if (response.status >= 500) problems.push(`answered ${response.status}`);
    const type = response.headers.get("content-type") ?? "";
    if (type.includes("pdf")) return problems;
    const body = await response.text();
    if (type.includes("text/html")) {
      for (const raw of RAW_MARKUP) if (body.includes(raw)) problems.push(`shows ${JSON.stringify(raw)} as markup`);
    } else if (response.headers.get("x-content-type-options") !== "nosniff") {
      // A download holds the text as typed: it must never be sniffed into a page.
      problems.push(`serves ${type || "no content type"} without nosniff`);
    }
    if (type.includes("text/csv")) {
      const cells = (parse(body, { relax_column_count: true }) as string[][]).flat();
      for (const cell of cells.filter(startsLikeFormula)) problems.push(`has the formula cell ${JSON.stringify(cell)}`);
    }
    if (type.includes("json")) {
      try {
        JSON.parse(body);
      } catch {
        problems.push("is not JSON");
      }
    }
    return problems;
  }

  const pages = () => routeFiles().filter((r) => r.hasLoader && !TOKEN_ROUTES(r));

  it("puts the hostile text where the pages show it (so the sweep below is not vacuous)", async () => {
    const queue = await (await client.get("/staff/requests")).text();
    expect(queue).toContain("onerror=alert(1)&gt;");
    const exported = await (await client.get("/staff/at-risk/remediation.csv")).text();
    expect(exported).toContain(`'=HYPERLINK`);
    const request = await (await client.get(`/staff/requests/${ids.requestId}`)).text();
    expect(request).toContain("=HYPERLINK(");
  });

  it("shows every page, download and email preview with the payloads as text only", async () => {
    const swept: string[] = [];
    for (const route of pages()) {
      const path = pathFor(route);
      const response = await client.get(path);
      expect(await problemsOf(response), `GET ${path}`).toEqual([]);
      swept.push(route.pattern);
    }
    expect(swept).toEqual(expect.arrayContaining(["/staff/requests/:id", "/staff/at-risk/remediation.csv", "/staff/reports.csv", "/staff/mail/:id/email.html", "/staff/campaigns/:id/preview/:n/email.html"]));
  });

  it("reflects nothing typed into a query string as markup, signed in or not", async () => {
    const query = new URLSearchParams({ q: SCRIPT, practice: IMG, kind: SCRIPT, month: IMG, returnTo: SCRIPT, page: IMG, state: FORMULA }).toString();
    const anonymous = new StaffClient(app.baseUrl);
    for (const route of pages()) {
      const path = `${pathFor(route)}?${query}`;
      for (const who of [client, anonymous]) {
        const response = await who.get(path);
        expect(await problemsOf(response), `GET ${path} (${who === client ? "signed in" : "signed out"})`).toEqual([]);
      }
    }
  });

  it("keeps the payloads out of the database's structure: the list and the request are intact", async () => {
    const [row] = await admin<{ patients: number; requests: number }[]>`
      select (select count(*)::int from patients) as patients, (select count(*)::int from requests where id = ${ids.requestId}) as requests`;
    expect(row!.patients).toBeGreaterThan(0);
    expect(row!.requests).toBe(1);
    const [patient] = await admin<{ address_line_1: string }[]>`select address_line_1 from patients where nhs_number = ${ids.patientNhs}`;
    expect(patient!.address_line_1).toBe(SQL);
  });
});
