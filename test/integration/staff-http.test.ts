import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, DEMO_STAFF } from "../../app/services/demo-practice.server";
import { startAppUnderTest, type AppUnderTest } from "../helpers/app-under-test";
import { pathOf, routeFiles } from "../helpers/route-files";
import { StaffClient } from "../helpers/staff-http";

const demo = (role: "manager" | "reception" | "clinician") => DEMO_STAFF.find((p) => p.role === role)!;

/** Every route that takes a POST, with any parameter as "some-id". */
function routesWithActions(): string[] {
  return routeFiles()
    .filter((r) => r.hasAction)
    .map((r) => pathOf(r, {}));
}

describe("staff pages over HTTP", () => {
  let app: AppUnderTest;
  let admin: postgres.Sql;
  // Signed in once: a TOTP code is good only once, so each demo user signs in once here.
  let manager: StaffClient;

  beforeAll(async () => {
    app = await startAppUnderTest();
    admin = postgres(app.databaseUrl, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await admin?.end();
    await app?.stop();
  });

  it("refuses a cross-site POST to every action, signed in or not", async () => {
    const routes = routesWithActions();
    expect(routes).toEqual(expect.arrayContaining(["/staff/sign-in", "/staff/team", "/staff/sign-out", "/staff/letters/registration.pdf", "/staff/reports/letter.pdf"]));
    manager = new StaffClient(app.baseUrl);
    await manager.signIn(demo("manager").email, DEMO_PASSWORD, demo("manager").totpSecret);
    for (const route of routes) {
      const headerSets: Record<string, string>[] = [
        { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
        { origin: "https://evil.example" },
        { "sec-fetch-site": "same-site" },
        {}, // neither header: not from a browser page of ours
      ];
      for (const headers of headerSets) {
        const response = await manager.post(route, { intent: "invite", email: "x@evil.example", name: "X", role: "manager" }, headers);
        expect(response.status, `${route} ${JSON.stringify(headers)}`).toBe(403);
      }
    }
    const [invited] = await admin`select count(*)::int as n from staff_users where email = 'x@evil.example'`;
    expect(invited!.n).toBe(0);
  });

  it("signs staff in with a password and a code, with a new HttpOnly SameSite cookie at each step", async () => {
    const client = new StaffClient(app.baseUrl);
    const first = await client.post("/staff/sign-in", { email: demo("clinician").email, password: DEMO_PASSWORD });
    expect(first.status).toBe(302);
    expect(first.headers.get("set-cookie")).toMatch(/HttpOnly/i);
    expect(first.headers.get("set-cookie")).toMatch(/SameSite=Lax/i);
    const pending = client.cookie;
    // Half-way is not signed in.
    expect((await client.get("/staff")).headers.get("location")).toMatch(/^\/staff\/sign-in/);
    client.cookie = pending;
    const { currentTotpCode } = await import("../../app/auth/totp.server");
    const second = await client.post("/staff/security-code", { code: currentTotpCode(demo("clinician").totpSecret, new Date()) });
    expect(second.headers.get("location")).toBe("/staff");
    expect(client.cookie).not.toBe(pending);
    const home = await client.get("/staff");
    expect(home.status).toBe(200);
    expect(home.headers.get("cache-control")).toBe("no-store");
    const html = await home.text();
    expect(html).toContain("Patients by access state");
    expect(html).toContain("Riverside Medical Practice");
  });

  it("gives the same answer for a wrong password and an unknown email", async () => {
    const client = new StaffClient(app.baseUrl);
    const wrong = await client.post("/staff/sign-in", { email: demo("reception").email, password: "not the right one" });
    const unknown = await client.post("/staff/sign-in", { email: "nobody@riverside.example", password: "not the right one" });
    expect(wrong.status).toBe(400);
    expect(unknown.status).toBe(400);
    // Apart from the nonce and the address typed back into the form, byte for byte the same.
    const strip = (html: string) =>
      html.replace(/nonce="[^"]*"/g, "").replaceAll(demo("reception").email, "EMAIL").replaceAll("nobody@riverside.example", "EMAIL");
    expect(strip(await wrong.text())).toBe(strip(await unknown.text()));
  });

  it("refuses a receptionist the manager's pages with 403, and audits the attempt", async () => {
    const reception = new StaffClient(app.baseUrl);
    await reception.signIn(demo("reception").email, DEMO_PASSWORD, demo("reception").totpSecret);
    for (const path of ["/staff/team", "/staff/audit"]) {
      const response = await reception.get(path);
      expect(response.status).toBe(403);
      expect(await response.text()).toContain("You do not have permission to see this page");
    }
    const invite = await reception.post("/staff/team", { intent: "invite", email: "sneaky@example.org", name: "Sneaky", role: "manager" });
    expect(invite.status).toBe(403);
    const denied = await admin`
      select a.summary->>'path' as path from audit_events a join staff_users u on u.id = a.actor_id
      where a.action = 'access.denied' and u.email = ${demo("reception").email} order by a.id`;
    expect(denied.map((d) => d.path)).toEqual(["/staff/team", "/staff/audit", "/staff/team"]);
    expect((await reception.get("/staff")).status).toBe(200);
  });

  it("gives a manager nothing of another practice through the pages, whatever ids they send", async () => {
    const [other] = await admin<{ id: string }[]>`
      insert into practices (ods_code, name, clinical_system) values ('B82002', 'Elsewhere Surgery', 'tpp') returning id`;
    const [outsider] = await admin<{ id: string }[]>`
      insert into staff_users (email, name, status) values ('outsider@elsewhere.example', 'Olive Outsider', 'active') returning id`;
    await admin`insert into staff_memberships (staff_user_id, practice_id, role) values (${outsider!.id}, ${other!.id}, 'reception')`;
    await admin`insert into patients (practice_id, nhs_number, given_name, family_name, date_of_birth)
                values (${other!.id}, '9434765919', 'Hidden', 'Elsewhere', '1970-01-01')`;

    const team = await (await manager.get("/staff/team")).text();
    expect(team).not.toContain("Olive Outsider");
    const roleChange = await manager.post("/staff/team", { intent: "change-role", staffUserId: outsider!.id, role: "manager" });
    expect(roleChange.status).toBe(400);
    expect(await roleChange.text()).toContain("That person does not work for this practice.");
    const disable = await manager.post("/staff/team", { intent: "disable", staffUserId: outsider!.id });
    expect(disable.status).toBe(400);
    const [membership] = await admin`select role, disabled_at from staff_memberships where staff_user_id = ${outsider!.id}`;
    expect(membership).toEqual({ role: "reception", disabled_at: null });

    const lookup = await (await manager.get("/staff/patients?nhsNumber=9434765919")).text();
    expect(lookup).toContain("No patient at Riverside Medical Practice has the NHS number");
    expect(lookup).not.toContain("Elsewhere");
    const audit = await (await manager.get(`/staff/audit?actorId=${outsider!.id}`)).text();
    expect(audit).toContain("0 matching entries");
  });

  it("ends the session on sign-out: the old cookie no longer works", async () => {
    expect((await manager.get("/staff")).status).toBe(200);
    const cookie = manager.cookie;
    const out = await manager.post("/staff/sign-out", {});
    expect(out.headers.get("location")).toBe("/staff/sign-in?signed-out");
    manager.cookie = cookie;
    const after = await manager.get("/staff");
    expect(after.status).toBe(302);
    expect(after.headers.get("location")).toMatch(/^\/staff\/sign-in/);
  });
});
