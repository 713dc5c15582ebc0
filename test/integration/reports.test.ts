import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forEachAccessState } from "../../app/services/access-states.server";
import { importPatientList } from "../../app/services/patient-import.server";
import { addPractice } from "../../app/services/practices.server";
import {
  commissionerLetter,
  dashboardReport,
  monthlyReport,
  multiPracticeSummary,
  reportCsv,
  reportDocument,
  reportForPracticeCode,
} from "../../app/services/reports.server";
import { seedPractice } from "../../app/services/seed.server";
import type { StaffContext } from "../../app/services/staff-session.server";
import { readPdf } from "../helpers/pdf-text";
import { runCli } from "../helpers/run-command";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database";

// Issue 9: a known list (the sample fixture), a known set of requests,
// decisions and campaign messages in October 2026, and every figure of the
// dashboard, the JSON and the CSV report against the value worked out by hand.

const FIXTURE = path.resolve("test/fixtures/patients-sample.csv");
// The last evening of October: the dashboard's month and the report's are the same.
const NOW = new Date("2026-10-31T18:00:00Z");
const at = (day: string) => `${day}T12:00:00Z`;

/*
 * Worked out by hand from the fixture (20 rows): two rows are rejected, leaving 18 patients; a
 * 14-year-old and a patient who has died are not eligible, leaving 16. Their states:
 *   default 10; review-cleared 1 (9990597979); enhanced-review 2 (9991153004, 9992121084);
 *   declined 2 (9999189040, 9998147549, who also has a 104); conflict 1 (9997318714).
 * Active 104s: 9991153004, 9992121084, 9997318714, 9998147549 = 4 of 16 = 0.25, amber.
 * Their 104 days: 2023-10-02 twice, 2023-11-01, 2023-08-01: two on one day is not bulk.
 * Online accounts (set below): 9997101901 default, 9990597979 review-cleared, 9991153004
 * enhanced-review, 9999189040 declined = 4, of whom 2 have prospective access = 0.5.
 */
const EXPECTED_LIST = {
  eligible: 16,
  byState: { default: 10, "review-cleared": 1, "enhanced-review": 2, declined: 2, conflict: 1 },
  enhancedReview: 4,
  enhancedReviewShare: 0.25,
  enhancedReviewAlarm: "amber",
  bulkApplied: { suspected: false, day: "2023-10-02", count: 2 },
  onlineAccounts: 4,
  onlineAccountsWithProspectiveAccess: 2,
  prospectiveAccessShare: 0.5,
  prospectiveAccessTarget: 0.9,
};

/*
 * Requests (R1 to R5 below), counted in October:
 *   opt-out: R2 received; R1 and R2 decided; R1 done.
 *   opt-in: R3 and R4 received; none decided.
 *   withdraw-opt-out: R5 received, decided and done.
 * Open on 31 October at 18:00: R2 (26 days), R3 (21), R4 (1), R5 (11): past the 14-day
 * target 2; longest 26; median (11 + 21) / 2 = 16.
 * Campaigns created in October: one, with 3 emails sent, 1 failed, 1 waiting and 2 letters.
 */
const EXPECTED_ACTIVITY = {
  requests: {
    "opt-out": { received: 1, decided: 2, done: 1 },
    "opt-in": { received: 2, decided: 0, done: 0 },
    "withdraw-opt-out": { received: 1, decided: 1, done: 1 },
  },
  queue: { open: 4, pastTarget: 2, oldestWaitingDays: 26, medianWaitingDays: 16, targetDays: 14 },
  campaigns: { campaigns: 1, emailsSent: 3, emailsFailed: 1, emailsWaiting: 1, lettersNeeded: 2 },
};

describe("reports", () => {
  let db: TestDatabase;
  let practiceId = "";
  let context: StaffContext;

  beforeAll(async () => {
    db = await createTestDatabase();
    const added = await addPractice({ odsCode: "R90001", name: "Report Row Surgery", clinicalSystem: "emis" });
    if (!added.ok) throw new Error("could not add the practice");
    practiceId = added.practice.id;
    const [user] = await db.admin<{ id: string }[]>`insert into staff_users (email, name, status) values ('m@example.org', 'Morgan', 'active') returning id`;
    context = {
      sessionTokenHash: "unused",
      user: { id: user!.id, name: "Morgan", email: "m@example.org" },
      practice: { id: practiceId, odsCode: "R90001", name: "Report Row Surgery", clinicalSystem: "emis", goLiveDate: null },
      role: "manager",
      memberships: [],
      developmentMail: false,
    };
    const imported = await importPatientList({ odsCode: "R90001", filePath: FIXTURE, format: "canonical", actor: { id: null, role: "cli" } });
    expect(imported.ok).toBe(true);
    await db.admin`update patients set online_account = true where nhs_number in ('9997101901', '9990597979', '9991153004', '9999189040')`;

    const request = async (ref: string, kind: string, state: string, receivedAt: string, decision?: { decidedAt: string; actionedAt?: string }) => {
      const [row] = await db.admin<{ id: string }[]>`
        insert into requests (practice_id, reference, kind, state, identity_match, channel, received_at)
        values (${practiceId}, ${ref}, ${kind}, ${state}, 'none', 'online-form', ${receivedAt}::timestamptz) returning id`;
      if (decision) {
        // No patient on the decisions, so they leave the list's figures alone. Each is a decision the
        // database accepts: an opt-out switches access off, a grant gives prospective record access.
        const [outcome, accessLevel] = kind === "opt-out" ? ["opt-out-recorded", "none"] : ["granted", "prospective-record"];
        await db.admin`
          insert into decisions (practice_id, request_id, outcome, access_level, identity_method, decided_by, decided_at, actioned_at)
          values (${practiceId}, ${row!.id}, ${outcome}, ${accessLevel}, 'record-match', ${user!.id},
                  ${decision.decidedAt}::timestamptz, ${decision.actionedAt ?? null}::timestamptz)`;
      }
    };
    await request("RQ-RRRR-2222", "opt-out", "closed", at("2026-09-28"), { decidedAt: at("2026-10-02"), actionedAt: at("2026-10-03") });
    await request("RQ-RRRR-3333", "opt-out", "decided", at("2026-10-05"), { decidedAt: at("2026-10-06") });
    await request("RQ-RRRR-4444", "opt-in", "triage", at("2026-10-10"));
    await request("RQ-RRRR-5555", "opt-in", "triage", at("2026-10-30"));
    await request("RQ-RRRR-6666", "withdraw-opt-out", "actioned", at("2026-10-20"), { decidedAt: at("2026-10-21"), actionedAt: at("2026-10-25") });

    const campaign = async (createdAt: string, messages: { channel: string; status: string }[]) => {
      const [row] = await db.admin<{ id: string }[]>`
        insert into campaigns (practice_id, template_key, status, created_at) values (${practiceId}, 'opt-out-announcement', 'finished', ${createdAt}::timestamptz) returning id`;
      const patients = await db.admin<{ id: string }[]>`select id from patients where practice_id = ${practiceId} order by nhs_number limit ${messages.length}`;
      for (const [i, m] of messages.entries()) {
        await db.admin`insert into messages (practice_id, campaign_id, patient_id, channel, template_key, status)
                       values (${practiceId}, ${row!.id}, ${patients[i]!.id}, ${m.channel}, 'opt-out-announcement', ${m.status})`;
      }
    };
    await campaign(at("2026-10-15"), [
      ...Array.from({ length: 3 }, () => ({ channel: "email", status: "sent" })),
      { channel: "email", status: "permanent-failure" },
      { channel: "email", status: "queued" },
      { channel: "letter", status: "queued" },
      { channel: "letter", status: "queued" },
    ]);
    await campaign(at("2026-09-01"), Array.from({ length: 5 }, () => ({ channel: "email", status: "sent" })));
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("gives every figure of the monthly report as worked out by hand", async () => {
    const result = await monthlyReport(context, "2026-10", NOW);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.report).toMatchObject({ month: "2026-10", asOf: "2026-10-31", ...EXPECTED_LIST, ...EXPECTED_ACTIVITY });
  });

  it("shows the same figures on the dashboard, with the import in the trend", async () => {
    const report = await dashboardReport(context, NOW);
    expect(report).toMatchObject({ ...EXPECTED_LIST, ...EXPECTED_ACTIVITY });
    expect(report.trend).toHaveLength(1);
    expect(report.trend[0]).toMatchObject({ eligible: 16, enhancedReview: 4, enhancedReviewShare: 0.25, declined: 2 });
  });

  it("counts the list the same a page at a time, whatever the page size", async () => {
    // Three patients a page: the 18 patients' entries must each land in their own page.
    const byState: Record<string, number> = {};
    let eligible = 0;
    let enhancedReview = 0;
    await forEachAccessState(practiceId, "2026-10-31", (p) => {
      if (!p.eligible) return;
      eligible += 1;
      if (p.enhancedReview) enhancedReview += 1;
      byState[p.state] = (byState[p.state] ?? 0) + 1;
    }, 3);
    expect({ eligible, enhancedReview, byState }).toEqual({
      eligible: EXPECTED_LIST.eligible,
      enhancedReview: EXPECTED_LIST.enhancedReview,
      byState: EXPECTED_LIST.byState,
    });
  });

  it("writes the same figures to the CSV, one per row", async () => {
    const result = await monthlyReport(context, "2026-10", NOW);
    if (!result.ok) throw new Error("no report");
    const rows = new Map(
      reportCsv(result.report)
        .trim()
        .split("\r\n")
        .slice(1)
        .map((line) => line.split(",") as [string, string]),
    );
    expect(rows.get("eligible")).toBe("16");
    expect(rows.get("byState.default")).toBe("10");
    expect(rows.get("byState.review-cleared")).toBe("1");
    expect(rows.get("byState.enhanced-review")).toBe("2");
    expect(rows.get("byState.declined")).toBe("2");
    expect(rows.get("byState.conflict")).toBe("1");
    expect(rows.get("enhancedReviewShare")).toBe("0.2500");
    expect(rows.get("enhancedReviewAlarm")).toBe("amber");
    expect(rows.get("prospectiveAccessShare")).toBe("0.5000");
    expect(rows.get("requests.opt-out.decided")).toBe("2");
    expect(rows.get("requests.opt-in.received")).toBe("2");
    expect(rows.get("requests.withdraw-opt-out.done")).toBe("1");
    expect(rows.get("queue.pastTarget")).toBe("2");
    expect(rows.get("queue.medianWaitingDays")).toBe("16");
    expect(rows.get("campaigns.emailsSent")).toBe("3");
    expect(rows.get("campaigns.lettersNeeded")).toBe("2");
  });

  it("prints the JSON from the command line, with the fields scripts rely on", async () => {
    const result = await runCli(["report", "--practice", "r90001", "--month", "2026-10", "--json"], { DATABASE_URL: db.url });
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as ReturnType<typeof reportDocument>;
    // Today is after October, so the list is counted on its last day; the waiting times are from today.
    expect(json).toMatchObject({ month: "2026-10", asOf: "2026-10-31", ...EXPECTED_LIST, requests: EXPECTED_ACTIVITY.requests, campaigns: EXPECTED_ACTIVITY.campaigns });
    expect(json.queue.open).toBe(4);
    expect(Object.keys(json.byState).sort()).toEqual(["conflict", "declined", "default", "enhanced-review", "review-cleared"]);

    const csv = await runCli(["report", "--practice", "R90001", "--month", "2026-10", "--csv"], { DATABASE_URL: db.url });
    expect(csv.stdout.split("\r\n")).toContain("eligible,16");
    const refused = await runCli(["report", "--practice", "R90001", "--month", "2026-13"], { DATABASE_URL: db.url });
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe('--month must be a month written YYYY-MM, not "2026-13".');
  });

  it("writes the letter to the commissioner with the month's figures and the practice's approach", async () => {
    const result = await commissionerLetter(context, { month: "2026-10", addressee: ["Primary care commissioning team", "NHS West Yorkshire ICB", "LS1 1AA"] }, NOW);
    if (!result.ok) throw new Error("no letter");
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on("data", (chunk: Buffer) => chunks.push(chunk));
    await result.letter.write(out);
    const text = (await readPdf(new Uint8Array(Buffer.concat(chunks)))).map((p) => p.text).join(" ").replace(/\s+/g, " ");
    expect(text).toContain("Primary care commissioning team");
    expect(text).toContain("Online access to GP records at Report Row Surgery: October 2026");
    expect(text).toContain("Eligible patients (aged 16 or over, alive and registered) on 31 October 2026: 16.");
    expect(text).toContain("Patients with an active 104 (online access to be reviewed first): 4, 25.0% of eligible patients. This is above 10%");
    expect(text).toContain("Online accounts with prospective access to their record: 50.0% of 4");
    expect(text).toContain("Requests from patients this month: 4 received, 3 decided and 2 carried out in the clinical system.");
    expect(text).toContain("A clinician reviews each patient with a 104 code.");
    expect(await commissionerLetter(context, { month: "2027-01", addressee: ["x"] }, NOW)).toEqual({ ok: false, problem: "future" });
  });

  it("sums up every practice where the person may see reports, and only those", async () => {
    const other = await addPractice({ odsCode: "R90003", name: "Second Street Surgery", clinicalSystem: "emis" });
    const third = await addPractice({ odsCode: "R90004", name: "Reception Only Surgery", clinicalSystem: "emis" });
    if (!other.ok || !third.ok) throw new Error("could not add practices");
    const membership = (practiceId: string, odsCode: string, name: string, role: "manager" | "reception" | "clinician") => ({ practiceId, odsCode, practiceName: name, role, disabled: false });
    const summary = await multiPracticeSummary(
      {
        ...context,
        memberships: [
          membership(practiceId, "R90001", "Report Row Surgery", "manager"),
          membership(other.practice.id, "R90003", "Second Street Surgery", "clinician"),
          membership(third.practice.id, "R90004", "Reception Only Surgery", "reception"),
        ],
      },
      NOW,
    );
    expect(summary).toEqual([
      { odsCode: "R90001", name: "Report Row Surgery", eligible: 16, enhancedReviewShare: 0.25, enhancedReviewAlarm: "amber", bulkAppliedSuspected: false, prospectiveAccessShare: 0.5, openRequests: 4 },
      { odsCode: "R90003", name: "Second Street Surgery", eligible: 0, enhancedReviewShare: 0, enhancedReviewAlarm: "green", bulkAppliedSuspected: false, prospectiveAccessShare: null, openRequests: 0 },
    ]);
  });

  describe("a practice whose 104s were bulk-applied", () => {
    let dir = "";

    /** The practice's list as a canonical CSV, with a 106 after every 104 when `remediate`. */
    async function listCsv(practice: string, remediate: boolean): Promise<string> {
      const rows = await db.admin<{ nhs_number: string; given_name: string; family_name: string; date_of_birth: string; deceased: boolean; c104: string | null; c106: string | null; c103: string | null }[]>`
        select p.nhs_number, p.given_name, p.family_name, p.date_of_birth::text, p.deceased,
          (select max(recorded_on)::text from coded_entries c where c.patient_id = p.id and c.code = '104') as c104,
          (select max(recorded_on)::text from coded_entries c where c.patient_id = p.id and c.code = '106') as c106,
          (select max(recorded_on)::text from coded_entries c where c.patient_id = p.id and c.code = '103') as c103
        from patients p join practices pr on pr.id = p.practice_id where pr.ods_code = ${practice} and p.registration = 'registered'`;
      const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
      const lines = rows.map((r) =>
        [r.nhs_number, quote(r.given_name), quote(r.family_name), r.date_of_birth, r.deceased ? "Y" : "N", r.c104 ?? "", remediate && r.c104 ? "2026-10-20" : (r.c106 ?? ""), r.c103 ?? ""].join(","),
      );
      const file = path.join(dir, `${practice}-${remediate ? "remediated" : "as-is"}.csv`);
      await writeFile(file, ["nhs_number,given_name,family_name,date_of_birth,deceased,latest_104,latest_106,latest_103", ...lines].join("\n"));
      return file;
    }

    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), "reports-"));
      await addPractice({ odsCode: "B90002", name: "Bulk Lane Surgery", clinicalSystem: "tpp" });
      const seeded = await seedPractice({ odsCode: "B90002", patients: 300, bulk104: true });
      expect(seeded.ok).toBe(true);
    });

    it("shows the red alarm and the bulk-applied warning, then falls after a 106 remediation import", async () => {
      const before = await reportForPracticeCode("B90002", "2026-10", undefined, NOW);
      if (!before.ok) throw new Error("no report");
      expect(before.report.enhancedReviewAlarm).toBe("red");
      expect(before.report.enhancedReviewShare).toBeGreaterThan(0.5);
      expect(before.report.bulkApplied.suspected).toBe(true);
      expect(before.report.bulkApplied.count).toBeGreaterThanOrEqual(20);

      // The trend records the list as of the day of each import.
      const importedOn = new Date("2026-10-31T09:00:00Z");
      const asIs = await importPatientList({ odsCode: "B90002", filePath: await listCsv("B90002", false), format: "canonical", actor: { id: null, role: "cli" }, now: importedOn });
      expect(asIs.ok).toBe(true);
      const remediated = await importPatientList({ odsCode: "B90002", filePath: await listCsv("B90002", true), format: "canonical", actor: { id: null, role: "cli" }, now: importedOn });
      expect(remediated.ok).toBe(true);

      const after = await reportForPracticeCode("B90002", "2026-10", undefined, NOW);
      if (!after.ok) throw new Error("no report");
      // A 106 after every 104: none is active, nothing looks bulk-applied, and the patients who were
      // to be reviewed (or whose codes conflicted) are cleared for access; declines stay declined.
      expect(after.report.enhancedReview).toBe(0);
      expect(after.report.enhancedReviewAlarm).toBe("green");
      expect(after.report.bulkApplied.suspected).toBe(false);
      const b = before.report.byState;
      expect(after.report.byState).toEqual({ ...b, "enhanced-review": 0, conflict: 0, "review-cleared": b["enhanced-review"] + b["review-cleared"] + b.conflict });
      expect(after.report.eligible).toBe(before.report.eligible);
      // The trend: the list as it was, then after the remediation.
      expect(after.report.trend.map((t) => t.enhancedReview)).toEqual([before.report.enhancedReview, 0]);
    });
  });
});
