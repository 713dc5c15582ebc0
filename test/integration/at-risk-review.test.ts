import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AtRiskOutcome } from "../../app/domain/at-risk-review";
import type { StaffRole } from "../../app/domain/roles";
import { listAtRiskPatients, reviewAtRiskPatient, viewAtRiskList } from "../../app/services/at-risk-review.server";
import { exportForPracticeCode, exportForStaff } from "../../app/services/exports.server";
import { addPractice } from "../../app/services/practices.server";
import type { StaffContext } from "../../app/services/staff-session.server";
import { DEMO_PASSWORD, DEMO_STAFF } from "../../app/services/demo-practice.server";
import postgres from "postgres";
import { startAppUnderTest, type AppUnderTest } from "../helpers/app-under-test";
import { withPractice } from "../../db/tenancy.server";
import { listAtRiskReviews } from "../../app/models/at-risk-review.server";
import { runCli } from "../helpers/run-command";
import { StaffClient } from "../helpers/staff-http";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database";

const NOW = new Date("2026-11-21T12:00:00Z");
const EVIL = '=HYPERLINK("http://evil","x")';
const ODS = "R20002";

describe("at-risk review and 106 remediation", () => {
  let db: TestDatabase;
  let practiceId = "";
  const staff: Partial<Record<StaffRole, StaffContext>> = {};
  const as = (role: StaffRole) => staff[role]!;
  const ids: Record<string, string> = {};

  async function addPatient(key: string, nhsNumber: string, given: string, family: string, codes: { code: string; on: string }[]) {
    const [patient] = await db.admin<{ id: string }[]>`
      insert into patients (practice_id, nhs_number, given_name, family_name, date_of_birth)
      values (${practiceId}, ${nhsNumber}, ${given}, ${family}, '1970-03-04')
      returning id`;
    for (const entry of codes) {
      await db.admin`
        insert into coded_entries (practice_id, patient_id, code, recorded_on, source)
        values (${practiceId}, ${patient!.id}, ${entry.code}, ${entry.on}, 'seed')`;
    }
    ids[key] = patient!.id;
  }

  async function auditCount(action: string) {
    const [row] = await db.admin<{ n: number }[]>`select count(*)::int as n from audit_events where action = ${action}`;
    return row!.n;
  }

  const review = (key: string, outcome: AtRiskOutcome, note: string | null = null) =>
    reviewAtRiskPatient(as("clinician"), { patientId: ids[key]!, outcome, note }, NOW);

  beforeAll(async () => {
    db = await createTestDatabase();
    const added = await addPractice({ odsCode: ODS, name: "Remedy Lane Surgery", clinicalSystem: "emis" });
    if (!added.ok) throw new Error("could not add the practice");
    practiceId = added.practice.id;
    for (const [role, name] of [
      ["reception", "Rita Reception"],
      ["clinician", "Dr Clare Clinician"],
      ["manager", "Mo Manager"],
    ] as const) {
      const [user] = await db.admin<{ id: string }[]>`
        insert into staff_users (email, name, status) values (${`${role}@example.org`}, ${name}, 'active') returning id`;
      await db.admin`insert into staff_memberships (staff_user_id, practice_id, role) values (${user!.id}, ${practiceId}, ${role})`;
      staff[role] = {
        sessionTokenHash: "unused",
        user: { id: user!.id, name, email: `${role}@example.org` },
        practice: { id: practiceId, odsCode: ODS, name: "Remedy Lane Surgery", clinicalSystem: "emis", goLiveDate: "2023-10-31" },
        role,
        memberships: [],
        developmentMail: false,
      };
    }
    const bulk104 = [{ code: "104", on: "2024-01-10" }];
    await addPatient("notAtRisk", "9434761018", "Nora", "Notrisk", bulk104);
    await addPatient("evil", "9434761026", "x", EVIL, bulk104);
    await addPatient("confirmed", "9434761034", "Cara", "Confirmed", bulk104);
    await addPatient("discuss", "9434761042", "Dan", "Discuss", bulk104);
    await addPatient("unreviewed", "9434761050", "Una", "Unreviewed", bulk104);
    // A 106 recorded after the 104 has already lifted it: not on the list.
    await addPatient("lifted", "9434761069", "Lee", "Lifted", [...bulk104, { code: "106", on: "2024-02-01" }]);
    await addPatient("noCodes", "9434761077", "Nia", "Nocodes", []);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("lists exactly the patients with an active 104, and takes a clinician's review of each, audited", async () => {
    const list = await listAtRiskPatients(practiceId, NOW);
    expect(list.map((p) => p.patientId).sort()).toEqual(
      [ids.notAtRisk, ids.evil, ids.confirmed, ids.discuss, ids.unreviewed].sort(),
    );
    expect(list.every((p) => p.recorded104On === "2024-01-10" && p.review === null)).toBe(true);

    const before = await auditCount("at-risk.reviewed");
    // A first verdict, then a changed mind: one current row, two audit events.
    expect((await review("notAtRisk", "to-discuss")).ok).toBe(true);
    expect((await review("notAtRisk", "not-at-risk", "Known to the practice; no concerns.")).ok).toBe(true);
    expect((await review("evil", "not-at-risk")).ok).toBe(true);
    expect((await review("confirmed", "confirmed-at-risk")).ok).toBe(true);
    expect((await review("discuss", "to-discuss")).ok).toBe(true);
    expect(await auditCount("at-risk.reviewed")).toBe(before + 5);

    const rows = await db.admin<{ patient_id: string; outcome: string; note: string | null }[]>`
      select patient_id, outcome, note from at_risk_reviews where patient_id = ${ids.notAtRisk!}`;
    expect(rows).toEqual([{ patient_id: ids.notAtRisk, outcome: "not-at-risk", note: "Known to the practice; no concerns." }]);
    const [changed] = await db.admin<{ summary: { outcome: string; previousOutcome: string | null } }[]>`
      select summary from audit_events where action = 'at-risk.reviewed' and subject_id = ${ids.notAtRisk!} order by id desc limit 1`;
    expect(changed!.summary).toMatchObject({ outcome: "not-at-risk", previousOutcome: "to-discuss" });
  });

  it("hides one practice's reviews from another under row-level security", async () => {
    const other = await addPractice({ odsCode: "R30003", name: "Elsewhere Surgery", clinicalSystem: "tpp" });
    if (!other.ok) throw new Error("could not add the practice");
    // Asking for this practice's rows while acting for the other: RLS, not the filter, hides them.
    expect(await withPractice(other.practice.id, (tx) => listAtRiskReviews(tx, practiceId))).toEqual([]);
    expect(await withPractice(practiceId, (tx) => listAtRiskReviews(tx, practiceId))).toHaveLength(4);
  });

  it("refuses a review of a patient not on the list, and a receptionist's review or export", async () => {
    const before = await auditCount("at-risk.reviewed");
    expect(await review("lifted", "not-at-risk")).toEqual({ ok: false, kind: "not-on-list" });
    expect(await review("noCodes", "not-at-risk")).toEqual({ ok: false, kind: "not-on-list" });
    expect(
      await reviewAtRiskPatient(as("reception"), { patientId: ids.unreviewed!, outcome: "not-at-risk", note: null }, NOW),
    ).toEqual({ ok: false, kind: "refused" });
    expect(await reviewAtRiskPatient(as("manager"), { patientId: ids.unreviewed!, outcome: "not-at-risk", note: null }, NOW)).toEqual({
      ok: false,
      kind: "refused",
    });
    expect(await viewAtRiskList(as("reception"), NOW)).toEqual({ ok: false, kind: "refused" });
    expect(await auditCount("at-risk.reviewed")).toBe(before);
    expect(await db.admin`select 1 from at_risk_reviews where patient_id in (${ids.unreviewed!}, ${ids.lifted!}, ${ids.noCodes!})`).toHaveLength(0);

    const exportsBefore = (await auditCount("export.remediation")) + (await auditCount("export.actions"));
    expect(await exportForStaff(as("reception"), "remediation", NOW)).toEqual({ ok: false, kind: "refused" });
    expect(await exportForStaff(as("reception"), "actions", NOW)).toEqual({ ok: false, kind: "refused" });
    expect((await auditCount("export.remediation")) + (await auditCount("export.actions"))).toBe(exportsBefore);
  });

  it("exports exactly the not-at-risk patients, with code 106 and today's date, formula characters escaped, audited", async () => {
    const before = await auditCount("export.remediation");
    const result = await exportForStaff(as("clinician"), "remediation", NOW);
    if (!result.ok) throw new Error("refused");
    expect(result.csv).toBe(
      [
        "nhs_number,family_name,given_name,date_of_birth,code,code_date",
        "9434761018,Notrisk,Nora,1970-03-04,1364751000000106,2026-11-21",
        `9434761026,"'=HYPERLINK(""http://evil"",""x"")",x,1970-03-04,1364751000000106,2026-11-21`,
        "",
      ].join("\r\n"),
    );
    expect(result.rows).toBe(2);
    // Managers take the file too.
    expect((await exportForStaff(as("manager"), "remediation", NOW)).ok).toBe(true);
    expect(await auditCount("export.remediation")).toBe(before + 2);
    const [event] = await db.admin<{ actor_id: string; actor_role: string; summary: { rows: number } }[]>`
      select actor_id, actor_role, summary from audit_events where action = 'export.remediation' order by id limit 1`;
    expect(event).toEqual({ actor_id: as("clinician").user.id, actor_role: "clinician", summary: { rows: 2 } });
  });

  it("exports the decided-but-not-done clinical-system actions, audited", async () => {
    const clinician = as("clinician").user.id;
    const addDecision = async (reference: string, patientId: string, fields: { needsStep: boolean; actioned: boolean; decidedAt: string }) => {
      const [request] = await db.admin<{ id: string }[]>`
        insert into requests (practice_id, reference, kind, state, patient_id, identity_match, channel)
        values (${practiceId}, ${reference}, 'opt-out', 'decided', ${patientId}, 'full', 'online-form') returning id`;
      await db.admin`
        insert into decisions (practice_id, request_id, patient_id, outcome, code_to_enter, access_level, identity_method,
                               decided_by, decided_at, needs_clinical_system_step, actioned_by, actioned_at)
        values (${practiceId}, ${request!.id}, ${patientId}, 'opt-out-recorded', '103', 'none', 'record-match',
                ${clinician}, ${fields.decidedAt}, ${fields.needsStep}, ${fields.actioned ? clinician : null},
                ${fields.actioned ? fields.decidedAt : null})`;
    };
    await addDecision("RQ-ACT-0001", ids.noCodes!, { needsStep: true, actioned: false, decidedAt: "2026-11-20T09:30:00Z" });
    await addDecision("RQ-ACT-0002", ids.lifted!, { needsStep: true, actioned: true, decidedAt: "2026-11-19T09:30:00Z" });
    await addDecision("RQ-ACT-0003", ids.unreviewed!, { needsStep: false, actioned: false, decidedAt: "2026-11-18T09:30:00Z" });
    await db.admin`update patients set given_name = '@SUM(A1)' where id = ${ids.noCodes!}`;

    const before = await auditCount("export.actions");
    const result = await exportForStaff(as("manager"), "actions", NOW);
    if (!result.ok) throw new Error("refused");
    expect(result.csv).toBe(
      [
        "reference,nhs_number,family_name,given_name,outcome,code_to_enter,decided_at",
        "RQ-ACT-0001,9434761077,Nocodes,'@SUM(A1),opt-out-recorded,1290331000000103,2026-11-20T09:30:00.000Z",
        "",
      ].join("\r\n"),
    );
    expect(await auditCount("export.actions")).toBe(before + 1);
  });

  it("prints the same CSV from the command line, audited as the CLI; an unknown practice is one sentence and exit 1", async () => {
    const env = { DATABASE_URL: db.url };
    for (const kind of ["remediation", "actions"] as const) {
      const before = await auditCount(`export.${kind}`);
      const printed = await runCli(["export", kind, "--practice", ODS.toLowerCase()], env);
      expect(printed.stderr).toBe("");
      expect(printed.code).toBe(0);
      const expected = await exportForPracticeCode(ODS, kind, new Date());
      expect(printed.stdout).toBe(expected!.csv);
      expect(printed.stdout.split("\r\n")).toHaveLength(kind === "remediation" ? 4 : 3);
      expect(await auditCount(`export.${kind}`)).toBe(before + 2);
      const [event] = await db.admin<{ actor_role: string }[]>`
        select actor_role from audit_events where action = ${`export.${kind}`} order by id desc limit 1`;
      expect(event!.actor_role).toBe("cli");
    }

    const unknown = await runCli(["export", "remediation", "--practice", "Z99999"], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr.trim()).toBe("There is no practice with ODS code Z99999.");
  });
});

describe("the at-risk pages over HTTP", () => {
  let app: AppUnderTest;
  let admin: postgres.Sql;
  const signIn = async (role: StaffRole) => {
    const person = DEMO_STAFF.find((p) => p.role === role)!;
    const client = new StaffClient(app.baseUrl);
    await client.signIn(person.email, DEMO_PASSWORD, person.totpSecret);
    return client;
  };

  beforeAll(async () => {
    app = await startAppUnderTest();
    admin = postgres(app.databaseUrl, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await admin?.end();
    await app?.stop();
  });

  it("refuses a receptionist the list, marking and both exports, with 403", async () => {
    const reception = await signIn("reception");
    const [patient] = await admin<{ id: string }[]>`select patient_id as id from coded_entries where code = '104' limit 1`;
    for (const path of ["/staff/at-risk", "/staff/exports", "/staff/at-risk/remediation.csv", "/staff/exports/actions.csv"]) {
      expect((await reception.get(path)).status, path).toBe(403);
    }
    const marked = await reception.post("/staff/at-risk?index", { patientId: patient!.id, outcome: "not-at-risk", note: "", show: "all" });
    expect(marked.status).toBe(403);
    expect(await admin`select 1 from at_risk_reviews`).toHaveLength(0);
    expect(await admin`select 1 from audit_events where action like 'export.%'`).toHaveLength(0);
  });

  it("lets a clinician mark a patient not at risk without JavaScript, then download them on the remediation list", async () => {
    const clinician = await signIn("clinician");
    expect(await (await clinician.get("/staff")).text()).toContain('href="/staff/exports"');
    const page = await clinician.get("/staff/at-risk");
    expect(page.status).toBe(200);
    const html = await page.text();
    const patientId = /name="patientId" value="([0-9a-f-]{36})"/.exec(html)?.[1];
    expect(patientId).toBeDefined();

    const marked = await clinician.post("/staff/at-risk?index", { patientId: patientId!, outcome: "not-at-risk", note: "Seen in clinic", show: "all" });
    expect(marked.status).toBe(302);
    expect(marked.headers.get("location")).toBe(`/staff/at-risk?saved=${patientId}`);
    const [saved] = await admin<{ outcome: string; note: string }[]>`select outcome, note from at_risk_reviews where patient_id = ${patientId!}`;
    expect(saved).toEqual({ outcome: "not-at-risk", note: "Seen in clinic" });
    const filtered = await (await clinician.get("/staff/at-risk?show=not-at-risk")).text();
    expect(filtered).toContain(`value="${patientId}"`);

    const [nhs] = await admin<{ nhs_number: string }[]>`select nhs_number from patients where id = ${patientId!}`;
    const download = await clinician.get("/staff/at-risk/remediation.csv");
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toMatch(/^text\/csv/);
    const csv = await download.text();
    expect(csv.replace(/^\uFEFF/, "").split("\r\n")[0]).toBe("nhs_number,family_name,given_name,date_of_birth,code,code_date");
    expect(csv.split("\r\n").filter((line) => line.startsWith(nhs!.nhs_number))).toHaveLength(1);
    expect((await clinician.get("/staff/exports/actions.csv")).status).toBe(200);
    expect(await admin`select 1 from audit_events where action in ('at-risk.reviewed', 'export.remediation', 'export.actions')`).toHaveLength(3);
  });
});
