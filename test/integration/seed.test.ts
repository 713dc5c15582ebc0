import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BULK_104_DATE } from "../../app/domain/synthetic-patients";
import { listAccessStates } from "../../app/services/access-states.server";
import { addPractice } from "../../app/services/practices.server";
import { seedPractice } from "../../app/services/seed.server";
import { setConnection } from "../../db/client.server";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database";

// Everything a seeded practice holds, in a stable order, for comparison.
async function snapshot(db: TestDatabase) {
  const patients = await db.admin`
    select nhs_number, given_name, family_name, date_of_birth::text, address_line_1, address_line_2,
           postcode, email, mobile, contact_is_private, deceased, online_account, registration
    from patients order by nhs_number`;
  const codes = await db.admin`
    select p.nhs_number, c.code, c.recorded_on::text, c.recorded_at
    from coded_entries c join patients p on p.id = c.patient_id
    order by p.nhs_number, c.code, c.recorded_on`;
  return { patients, codes };
}

async function seededDatabase(options: { patients: number; bulk104?: boolean }) {
  const db = await createTestDatabase();
  await addPractice({ odsCode: "A81001", name: "Seed Test Surgery", clinicalSystem: "emis" });
  const result = await seedPractice({ odsCode: "A81001", ...options });
  expect(result.ok).toBe(true);
  return db;
}

describe("seed", () => {
  let first: TestDatabase;
  let second: TestDatabase;

  beforeAll(async () => {
    first = await seededDatabase({ patients: 500 });
    second = await seededDatabase({ patients: 500 });
  });
  afterAll(async () => {
    await first.drop();
    await second.drop();
  });

  it("gives the same patients and codes in two fresh databases", async () => {
    setConnection(first);
    const a = await snapshot(first);
    const b = await snapshot(second);
    expect(a.patients).toHaveLength(500);
    expect(a.codes.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
  });

  it("leaves a practice unchanged when run again with the same options", async () => {
    setConnection(first);
    const before = await snapshot(first);
    await seedPractice({ odsCode: "A81001", patients: 500 });
    expect(await snapshot(first)).toEqual(before);
  });

  it("makes a realistic mix: every access state, under-16s, deceased, contacts", async () => {
    setConnection(first);
    const result = await listAccessStates("A81001", "2026-02-28");
    if (!result.ok) throw new Error(result.error);
    const states = new Set(result.patients.map((p) => p.state));
    expect([...states].sort()).toEqual(["conflict", "declined", "default", "enhanced-review", "review-cleared"]);
    const [mix] = await first.admin<{ under16: number; deceased: number; email: number; nhs_ok: number }[]>`
      select count(*) filter (where date_of_birth > '2010-02-28')::int as under16,
             count(*) filter (where deceased)::int as deceased,
             count(*) filter (where email is not null)::int as email,
             count(*) filter (where nhs_number like '999%')::int as nhs_ok
      from patients`;
    expect(mix!.under16).toBeGreaterThan(40);
    expect(mix!.deceased).toBeGreaterThan(0);
    expect(mix!.email).toBeGreaterThan(200);
    expect(mix!.nhs_ok).toBe(500);
  });

  it("with --bulk-104 puts most of the list under a 104 recorded on one date", async () => {
    const bulk = await seededDatabase({ patients: 400, bulk104: true });
    try {
      const result = await listAccessStates("A81001", "2026-02-28");
      if (!result.ok) throw new Error(result.error);
      const eligible = result.patients.filter((p) => p.eligible);
      const share = eligible.filter((p) => p.state === "enhanced-review").length / eligible.length;
      expect(share).toBeGreaterThan(0.5);
      const [sameDay] = await bulk.admin<{ n: number }[]>`
        select count(*)::int as n from coded_entries where code = '104' and recorded_on = ${BULK_104_DATE}`;
      expect(sameDay!.n).toBeGreaterThan(200);
    } finally {
      await bulk.drop();
    }
  });

  it("refuses an unknown practice or a silly size with a clear sentence", async () => {
    setConnection(first);
    expect(await seedPractice({ odsCode: "ZZZ999", patients: 10 })).toEqual({
      ok: false,
      error: "There is no practice with ODS code ZZZ999.",
    });
    expect(await seedPractice({ odsCode: "A81001", patients: 0 })).toMatchObject({ ok: false });
  });
});
