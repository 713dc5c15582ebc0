import { randomUUID } from "node:crypto";
import { readdirSync } from "node:fs";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken, randomToken } from "../../app/auth/tokens.server";
import { importContent } from "../../app/content/import";
import { registrationPageContent } from "../../app/content/letters";
import { DEMO_PASSWORD, DEMO_PRACTICE, DEMO_STAFF } from "../../app/services/demo-practice.server";
import { startAppUnderTest, type AppUnderTest } from "../helpers/app-under-test";
import { crossSiteAuditSweep } from "../helpers/cross-site-audit-sweep";
import { rawExchange } from "../helpers/raw-http";
import { pathOf, routeFiles } from "../helpers/route-files";
import { StaffClient } from "../helpers/staff-http";

// Issue 17, findings 4 and 6 (the HTTP edge), sent as an attacker would send
// them to the built server: bodies too large or of no stated length, odd
// content types and broken multipart, forged X-Forwarded-* headers, an origin
// on another scheme, links from other websites to pages that audit, and
// patient data left for caches to keep.

const manager = DEMO_STAFF.find((p) => p.role === "manager")!;
const MB = 1024 * 1024;
const ODS = DEMO_PRACTICE.odsCode;
const FORM = "application/x-www-form-urlencoded";

let app: AppUnderTest;
let admin: postgres.Sql;
let staff: StaffClient;
let host = "";
const seeded = { requestId: "", token: "", givenName: "", familyName: "", dob: "" };

/** A form posted from the portal's own page (or not, as `headers` say). */
function post(path: string, body: BodyInit, headers: Record<string, string> = {}) {
  return fetch(app.baseUrl + path, { method: "POST", body, headers: { origin: app.baseUrl, cookie: staff.cookie, ...headers }, redirect: "manual" });
}
const escaped = (text: string) => text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/'/g, "&#x27;");

beforeAll(async () => {
  // No outbox worker: nothing writes audit events behind the tests' backs.
  app = await startAppUnderTest({ env: { WORKER: "false" } });
  host = new URL(app.baseUrl).host;
  admin = postgres(app.databaseUrl, { max: 1, onnotice: () => {} });
  staff = new StaffClient(app.baseUrl);
  await staff.signIn(manager.email, DEMO_PASSWORD, manager.totpSecret);

  // A request for a patient on the demo list, sent as the patient sends it.
  const [patient] = await admin<{ id: string; practice_id: string; nhs_number: string; given_name: string; family_name: string; dob: string; postcode: string }[]>`
    select id, practice_id, nhs_number, given_name, family_name, date_of_birth::text as dob, postcode from patients
    where registration = 'registered' and not deceased and postcode is not null and date_of_birth < '2000-01-01'
    order by nhs_number limit 1`;
  const [year, month, day] = patient!.dob.split("-").map(Number);
  const details = {
    givenName: patient!.given_name,
    familyName: patient!.family_name,
    dateOfBirthDay: String(day),
    dateOfBirthMonth: String(month),
    dateOfBirthYear: String(year),
    postcode: patient!.postcode,
    nhsNumber: patient!.nhs_number,
    email: "patient@example.org",
    mobile: "",
  };
  Object.assign(seeded, { givenName: patient!.given_name, familyName: patient!.family_name, dob: patient!.dob });
  const sent = await post(`/requests/new?practice=${ODS}&kind=opt-out`, new URLSearchParams({ step: "check", intent: "submit", website: "", ...details, optOutScope: "no-online-access" }), { "content-type": FORM });
  expect(sent.headers.get("location") ?? `${sent.status} ${await sent.text()}`).toMatch(/^\/requests\/sent\?ref=/);
  const reference = /ref=(.+)$/.exec(sent.headers.get("location")!)![1]!;
  const [request] = await admin<{ id: string }[]>`select id from requests where reference = ${reference}`;
  seeded.requestId = request!.id;

  // A personal link (/r/<token>) to the same patient, as a campaign message carries.
  seeded.token = randomToken();
  const [message] = await admin<{ id: string }[]>`
    insert into messages (practice_id, patient_id, channel, template_key, status)
    values (${patient!.practice_id}, ${patient!.id}, 'email', 'opt-out-announcement', 'sent') returning id`;
  await admin`
    insert into personal_links (practice_id, patient_id, message_id, token_hash, expires_at)
    values (${patient!.practice_id}, ${patient!.id}, ${message!.id}, ${hashToken(seeded.token)}, now() + interval '30 days')`;
}, 120_000);

afterAll(async () => {
  await admin?.end();
  await app?.stop();
});

describe("body limits in the app (finding 4)", () => {
  it("answers a form promising 500 MB with 413 at once, reads none of it, and /healthz stays quick", async () => {
    // With the Origin a script can claim, so the cross-site check lets it by.
    const head = [`POST /requests/new?practice=${ODS}&kind=opt-out HTTP/1.1`, `Host: ${host}`, `Origin: ${app.baseUrl}`, `Content-Type: ${FORM}`, `Content-Length: ${500 * MB}`];
    const sent = await rawExchange(app.baseUrl, head, `givenName=${"a".repeat(4096)}`);
    expect(sent.status).toBe(413);
    expect(sent.closedByServer).toBe(true);
    expect(sent.ms).toBeLessThan(1_000);
    expect(sent.text).toContain("The file or form you sent is larger than 64 KB, the most this page accepts.");
    expect(sent.text).toMatch(/Content-Type: text\/html/i);
    expect(sent.text).not.toMatch(/Error|at \S+\.js/);

    const started = Date.now();
    const health = await fetch(`${app.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it.each([
    ["/staff/import", 256 * MB, "256 MB"],
    ["/staff/letters/registration.pdf", 2 * MB, "2 MB"],
  ])("refuses a body to %s over the file it takes (%d bytes) at once, naming the limit", async (path, fileBytes, words) => {
    const head = (length: number) => [`POST ${path} HTTP/1.1`, `Host: ${host}`, `Cookie: ${staff.cookie}`, `Origin: ${app.baseUrl}`, "Content-Type: multipart/form-data; boundary=b", `Content-Length: ${length}`];
    const over = await rawExchange(app.baseUrl, head(fileBytes + 64 * 1024 + 1), "--b\r\n");
    expect(over.status).toBe(413);
    expect(over.closedByServer).toBe(true);
    expect(over.text).toContain(`The file or form you sent is larger than ${words}, the most this page accepts.`);
    // A file of the size the page states is let in and read (the server waits for the rest of it).
    const within = await rawExchange(app.baseUrl, head(fileBytes), "--b\r\n", 800);
    expect(within.status).toBeNull();
  });

  it("states on the import page the limit it enforces", async () => {
    const page = await (await staff.get("/staff/import")).text();
    expect(page).toContain("A CSV file of the whole practice list, up to 256 MB.");
  });

  it("holds a url-encoded body sent to an upload page to a form's 64 KB: only a multipart body carries a file", async () => {
    const head = [`POST /staff/import HTTP/1.1`, `Host: ${host}`, `Cookie: ${staff.cookie}`, `Origin: ${app.baseUrl}`, `Content-Type: ${FORM}`, `Content-Length: ${100 * 1024}`];
    const sent = await rawExchange(app.baseUrl, head, "a=");
    expect(sent.status).toBe(413);
    expect(sent.text).toContain("larger than 64 KB");
  });

  it("refuses a body that does not say its length (chunked) with 411, without reading it", async () => {
    for (const path of [`/requests/new?practice=${ODS}&kind=opt-out`, "/staff/import"]) {
      const head = [`POST ${path} HTTP/1.1`, `Host: ${host}`, `Cookie: ${staff.cookie}`, `Origin: ${app.baseUrl}`, `Content-Type: ${FORM}`, "Transfer-Encoding: chunked"];
      const sent = await rawExchange(app.baseUrl, head, "4\r\nabcd\r\n");
      expect(sent.status, path).toBe(411);
      expect(sent.closedByServer, path).toBe(true);
      expect(sent.text, path).toContain("It was sent without saying how large it is.");
    }
  });
});

describe("links from another website to staff pages that record what they show (finding 6)", () => {
  it("finds every staff page that writes an audit event when opened; from another site each writes nothing and offers one link on", async () => {
    const { writers, everyUrl } = await crossSiteAuditSweep({ baseUrl: app.baseUrl, admin, cookie: staff.cookie, params: { id: seeded.requestId } });
    expect(writers.map((url) => url.split("?")[0])).toEqual(
      expect.arrayContaining(["/staff/patients", `/staff/requests/${seeded.requestId}`, "/staff/requests", "/staff/requests/new", "/staff/audit", "/staff/at-risk/remediation.csv", "/staff/exports/actions.csv"]),
    );
    expect(everyUrl.length).toBeGreaterThan(writers.length);
  });
});

describe("odd input gets a 400 page, never a 500 (finding 6)", () => {
  it("answers a POST with no content type, JSON or text/plain with a 400 page on every route that takes a form", async () => {
    const actions = routeFiles().filter((r) => r.hasAction);
    expect(actions.length).toBeGreaterThan(20);
    for (const route of actions) {
      const path = pathOf(route, { id: seeded.requestId, token: seeded.token, jobId: randomUUID(), n: "1" });
      for (const type of [undefined, "application/json", "text/plain"]) {
        const body = new TextEncoder().encode(type === "application/json" ? '{"intent":"x"}' : "intent=x");
        const response = await post(path, body, type ? { "content-type": type } : {});
        expect(response.status, `${type ?? "no content type"} to ${path}`).toBe(400);
        expect(await response.text()).toContain("This page takes a form sent from the portal's own pages.");
      }
    }
  });

  it("answers broken multipart on the upload pages with the page's own message, never a 500", async () => {
    const B = "edgeB0undary";
    const whole = `--${B}\r\nContent-Disposition: form-data; name="patientList"; filename="list.csv"\r\nContent-Type: text/csv\r\n\r\nnhs_number\r\n9434765919\r\n--${B}--\r\n`;
    const broken: [string, string, string][] = [
      ["no boundary", "multipart/form-data", whole],
      ["cut short", `multipart/form-data; boundary=${B}`, whole.slice(0, 90)],
      ["an unmatched quote", `multipart/form-data; boundary=${B}`, whole.replace('filename="list.csv"', 'filename="list.csv')],
    ];
    for (const [what, type, body] of broken) {
      const upload = await post("/staff/import", body, { "content-type": type });
      expect(upload.status, what).toBe(400);
      expect(await upload.text(), what).toContain(importContent.upload.notAForm);
      const keys = await post("/staff/letters/registration", body.replaceAll("patientList", "registrationFile"), { "content-type": type });
      expect(keys.status, what).toBe(400);
      expect(await keys.text(), what).toContain(registrationPageContent.errors.notAForm);
      // The letters' own route sends the same POST back (307) to the page above.
      expect((await post("/staff/letters/registration.pdf", body, { "content-type": type })).status, what).toBe(307);
    }
    // Only the upload pages take multipart at all.
    expect((await post(`/requests/new?practice=${ODS}&kind=opt-out`, whole, { "content-type": `multipart/form-data; boundary=${B}` })).status).toBe(400);
  });

  it("uploads files named with = ; and quotes, as a browser sends them", async () => {
    for (const name of ["list;v=2.csv", 'a=b "final"; copy.csv']) {
      const form = new FormData();
      form.append("patientList", new File(["nhs_number,given_name,family_name,date_of_birth\r\n9434765919,Ann,Example,1984-03-15\r\n"], name, { type: "text/csv" }));
      form.append("format", "canonical");
      const response = await post("/staff/import", form);
      expect(response.status, name).toBe(302);
      expect(response.headers.get("location"), name).toMatch(/^\/staff\/import\/[0-9a-f]+$/);
      expect(await (await staff.get(response.headers.get("location")!)).text(), name).toContain(escaped(name));
    }
  });

  it("reads repeated fields and very long values as a 400 or the page, never a 500", async () => {
    const body = new URLSearchParams();
    for (const name of ["intent", "step", "kind", "email", "password", "code", "nhsNumber", "givenName", "note", "find", "version"]) {
      body.append(name, "x".repeat(5_000));
      body.append(name, "second");
    }
    // Signing out is what that route is for, whatever else is posted.
    for (const route of routeFiles().filter((r) => r.hasAction && r.pattern !== "/staff/sign-out")) {
      const path = pathOf(route, { id: seeded.requestId, token: seeded.token, jobId: randomUUID(), n: "1" });
      const response = await post(path, body, { "content-type": FORM });
      expect(response.status, `POST ${path}`).toBeLessThan(500);
    }
  });
});

describe("the cross-site check and forwarded headers (finding 6)", () => {
  const formTo = (headers: Record<string, string>) =>
    fetch(`${app.baseUrl}/requests/new?practice=${ODS}&kind=opt-out`, { method: "POST", body: new URLSearchParams({ step: "details" }), headers: { "content-type": FORM, ...headers }, redirect: "manual" });

  it("believes no X-Forwarded-Host or -Proto with no proxy in front (TRUST_PROXY unset)", async () => {
    expect((await formTo({ origin: "https://evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" })).status).toBe(403);
  });

  it("compares the scheme too: a page at https:// is not the portal at http://", async () => {
    const https = app.baseUrl.replace(/^http:/, "https:");
    expect((await formTo({ origin: https })).status).toBe(403);
    expect((await formTo({ origin: https, "x-forwarded-proto": "https" })).status).toBe(403);
    expect((await formTo({ origin: app.baseUrl })).status).toBe(400);
  });
});

describe("caches (finding 6)", () => {
  it("sends no-store with every page and download, the patient's own steps included", async () => {
    const pages = routeFiles().filter((r) => r.hasLoader);
    for (const route of pages) {
      const path = pathOf(route, { id: seeded.requestId, token: seeded.token, jobId: randomUUID(), n: "1" });
      for (const response of [await staff.get(path), await fetch(app.baseUrl + path, { redirect: "manual" })]) {
        expect(response.headers.get("cache-control"), `GET ${path}`).toBe("no-store");
      }
    }
    const [year, month, day] = seeded.dob.split("-").map(Number);
    const check = await post(
      `/requests/new?practice=${ODS}&kind=opt-out`,
      new URLSearchParams({ step: "questions", givenName: seeded.givenName, familyName: seeded.familyName, dateOfBirthDay: String(day), dateOfBirthMonth: String(month), dateOfBirthYear: String(year), postcode: "LS1 4AP", nhsNumber: "", email: "patient@example.org", mobile: "", optOutScope: "no-online-access" }),
      { "content-type": FORM },
    );
    expect(check.status).toBe(200);
    expect(await check.text()).toContain(escaped(seeded.familyName));
    expect(check.headers.get("cache-control")).toBe("no-store");
    const link = await post(`/r/${seeded.token}`, new URLSearchParams({ step: "dob", dateOfBirthDay: String(day), dateOfBirthMonth: String(month), dateOfBirthYear: String(year) }), { "content-type": FORM });
    expect(link.status).toBe(200);
    expect(link.headers.get("cache-control")).toBe("no-store");
  });

  it("keeps the long cache on fingerprinted and public static files", async () => {
    const css = readdirSync("build/client/assets").find((f) => f.endsWith(".css"))!;
    expect((await fetch(`${app.baseUrl}/assets/${css}`)).headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect((await fetch(`${app.baseUrl}/robots.txt`)).headers.get("cache-control")).toBe("public, max-age=3600");
  });
});

describe("per-address limits with forged X-Forwarded-For (finding 6)", () => {
  // Last in the file: it locks this address out of signing in for 15 minutes.
  it("counts 31 failed sign-ins from 'different' forged addresses against the one real address", async () => {
    const attempt = async (i: number) => {
      const response = await fetch(`${app.baseUrl}/staff/sign-in`, {
        method: "POST",
        body: new URLSearchParams({ email: `made-up-${i}@example.org`, password: "not the password" }),
        headers: { "content-type": FORM, origin: app.baseUrl, "x-forwarded-for": `203.0.113.${i}` },
        redirect: "manual",
      });
      return response.text();
    };
    // Four at a time: each is a password check (argon2, ~0.4 s here) for an account that does not exist.
    const answers: string[] = [];
    for (let i = 1; i <= 31; i += 4) answers.push(...(await Promise.all([i, i + 1, i + 2, i + 3].filter((n) => n <= 31).map(attempt))));
    const locked = (page: string) => page.includes("There have been too many attempts to sign in");
    // The limit is 30 within 15 minutes: the first 28 are all checked, and the last is refused.
    expect(answers.slice(0, 28).filter(locked)).toEqual([]);
    expect(locked(answers[30]!)).toBe(true);
    // The real address is locked: even the right password from it is refused now.
    const real = await fetch(`${app.baseUrl}/staff/sign-in`, {
      method: "POST",
      body: new URLSearchParams({ email: manager.email, password: DEMO_PASSWORD }),
      headers: { "content-type": FORM, origin: app.baseUrl, "x-forwarded-for": "198.51.100.7" },
      redirect: "manual",
    });
    expect(locked(await real.text())).toBe(true);
  });
});
