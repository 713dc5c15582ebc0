import { and, asc, count, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Executor } from "../../db/executor.server";
import { codedEntries, patients } from "../../db/schema";
import type { StaffSearch } from "../domain/staff-search";
import { normalisedNameSql } from "./name-search.server";

export type PatientSearch = Exclude<StaffSearch, { kind: "reference" }>;

export type Patient = typeof patients.$inferSelect;
export type NewPatient = Omit<typeof patients.$inferInsert, "id" | "createdAt" | "updatedAt">;
export type CodedEntryRow = typeof codedEntries.$inferSelect;
export type NewCodedEntry = Omit<typeof codedEntries.$inferInsert, "id">;

// 1,000 rows of ~20 columns stays well inside PostgreSQL's 65,535 parameters.
const BATCH = 1000;

export async function countPatients(db: Executor, practiceId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(patients)
    .where(eq(patients.practiceId, practiceId));
  return row?.n ?? 0;
}

/** What the access-state rules need of each patient, in NHS-number order. */
export async function listPatientsForAccessState(db: Executor, practiceId: string) {
  return db
    .select({
      id: patients.id,
      nhsNumber: patients.nhsNumber,
      dateOfBirth: patients.dateOfBirth,
      deceased: patients.deceased,
      registration: patients.registration,
      givenName: patients.givenName,
      familyName: patients.familyName,
      email: patients.email,
      contactIsPrivate: patients.contactIsPrivate,
      onlineAccount: patients.onlineAccount,
    })
    .from(patients)
    .where(eq(patients.practiceId, practiceId))
    .orderBy(asc(patients.nhsNumber));
}

export async function listCodedEntries(db: Executor, practiceId: string) {
  return db
    .select({
      patientId: codedEntries.patientId,
      code: codedEntries.code,
      recordedOn: codedEntries.recordedOn,
      recordedAt: codedEntries.recordedAt,
    })
    .from(codedEntries)
    .where(eq(codedEntries.practiceId, practiceId));
}

/**
 * Inserts new patients and updates existing ones (matched on practice and
 * NHS number). Returns each patient's id by NHS number.
 */
export async function upsertPatients(
  db: Executor,
  rows: readonly NewPatient[],
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    const saved = await db
      .insert(patients)
      .values(batch)
      .onConflictDoUpdate({
        target: [patients.practiceId, patients.nhsNumber],
        set: {
          givenName: sql`excluded.given_name`,
          familyName: sql`excluded.family_name`,
          dateOfBirth: sql`excluded.date_of_birth`,
          addressLine1: sql`excluded.address_line_1`,
          addressLine2: sql`excluded.address_line_2`,
          addressLine3: sql`excluded.address_line_3`,
          addressLine4: sql`excluded.address_line_4`,
          postcode: sql`excluded.postcode`,
          email: sql`excluded.email`,
          mobile: sql`excluded.mobile`,
          contactIsPrivate: sql`excluded.contact_is_private`,
          deceased: sql`excluded.deceased`,
          onlineAccount: sql`excluded.online_account`,
          registration: sql`excluded.registration`,
          updatedAt: sql`now()`,
        },
      })
      .returning({ id: patients.id, nhsNumber: patients.nhsNumber });
    for (const row of saved) ids.set(row.nhsNumber, row.id);
  }
  return ids;
}

/** Replaces the coded history of the given patients with `entries`. */
export async function replaceCodedEntries(
  db: Executor,
  practiceId: string,
  patientIds: readonly string[],
  entries: readonly NewCodedEntry[],
): Promise<void> {
  for (let i = 0; i < patientIds.length; i += BATCH) {
    await db
      .delete(codedEntries)
      .where(
        and(
          eq(codedEntries.practiceId, practiceId),
          inArray(codedEntries.patientId, patientIds.slice(i, i + BATCH)),
        ),
      );
  }
  for (let i = 0; i < entries.length; i += BATCH) {
    await db.insert(codedEntries).values(entries.slice(i, i + BATCH));
  }
}

export async function getPatientIdByNhsNumber(db: Executor, practiceId: string, nhsNumber: string): Promise<string | null> {
  const [row] = await db
    .select({ id: patients.id })
    .from(patients)
    .where(and(eq(patients.practiceId, practiceId), eq(patients.nhsNumber, nhsNumber)));
  return row?.id ?? null;
}

export async function getPatientByNhsNumber(db: Executor, practiceId: string, nhsNumber: string): Promise<Patient | null> {
  const [row] = await db
    .select()
    .from(patients)
    .where(and(eq(patients.practiceId, practiceId), eq(patients.nhsNumber, nhsNumber)));
  return row ?? null;
}

export async function listCodedEntriesOfPatient(db: Executor, practiceId: string, patientId: string) {
  return db
    .select({ code: codedEntries.code, recordedOn: codedEntries.recordedOn, recordedAt: codedEntries.recordedAt })
    .from(codedEntries)
    .where(and(eq(codedEntries.practiceId, practiceId), eq(codedEntries.patientId, patientId)))
    .orderBy(asc(codedEntries.recordedOn));
}

/** What staff see of each patient a search finds, enough to tell two people apart. */
const found = {
  id: patients.id,
  nhsNumber: patients.nhsNumber,
  givenName: patients.givenName,
  familyName: patients.familyName,
  dateOfBirth: patients.dateOfBirth,
  addressLine1: patients.addressLine1,
  postcode: patients.postcode,
  registration: patients.registration,
  deceased: patients.deceased,
};
export type FoundPatient = Awaited<ReturnType<typeof getPatientsByIds>>[number];

/** Patients by NHS number, or whose names start with every word (and born on the day, when given). */
export async function searchPatients(db: Executor, practiceId: string, search: PatientSearch, limit: number) {
  const conditions: SQL[] = [eq(patients.practiceId, practiceId)];
  if (search.kind === "nhs-number") conditions.push(eq(patients.nhsNumber, search.digits));
  else {
    const name = normalisedNameSql(sql`${patients.givenName} || ' ' || ${patients.familyName}`);
    for (const word of search.words) conditions.push(sql`${name} like ${`% ${word}%`}`);
    if (search.dateOfBirth) conditions.push(eq(patients.dateOfBirth, search.dateOfBirth));
  }
  return db
    .select(found)
    .from(patients)
    .where(and(...conditions))
    .orderBy(asc(patients.familyName), asc(patients.givenName), asc(patients.dateOfBirth))
    .limit(limit);
}

export async function getPatientsByIds(db: Executor, practiceId: string, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db
    .select(found)
    .from(patients)
    .where(and(eq(patients.practiceId, practiceId), inArray(patients.id, [...ids])))
    .orderBy(asc(patients.familyName), asc(patients.givenName), asc(patients.dateOfBirth));
}

export async function updatePatientLargePrint(db: Executor, practiceId: string, patientId: string, largePrint: boolean): Promise<void> {
  await db
    .update(patients)
    .set({ largePrint, updatedAt: sql`now()` })
    .where(and(eq(patients.practiceId, practiceId), eq(patients.id, patientId)));
}

/**
 * Opens a cursor over the practice's patients in id order, with what eligibility needs, for
 * counting a large list a page at a time (fetchPatientsForCounting). The list is ordered once:
 * a LIMIT after the last page's id orders it all again for every page when the planner has not yet
 * seen a list just imported. The cursor closes with the transaction.
 */
export async function openPatientsForCounting(db: Executor, practiceId: string): Promise<void> {
  await db.execute(sql`
    declare patients_for_counting no scroll cursor for
    select id, date_of_birth, deceased, registration from patients where practice_id = ${practiceId} order by id`);
}

/** The next `count` patients of openPatientsForCounting's cursor; fewer at the end. */
export async function fetchPatientsForCounting(db: Executor, count: number) {
  type Row = { id: string; date_of_birth: string; deceased: boolean; registration: Patient["registration"] };
  const rows = await db.execute<Row>(sql`fetch ${sql.raw(String(Math.trunc(count)))} from patients_for_counting`);
  return rows.map((r) => ({ id: r.id, dateOfBirth: r.date_of_birth, deceased: r.deceased, registration: r.registration }));
}

/**
 * Coded entries of the patients whose ids lie in (afterId, lastId]: one page of
 * listPatientsForCountingPage. A range rather than a list of ten thousand ids,
 * which costs more to send and plan than the rows cost to read.
 */
export async function listCodedEntriesOfPatientRange(db: Executor, practiceId: string, afterId: string | null, lastId: string) {
  return db
    .select({ patientId: codedEntries.patientId, code: codedEntries.code, recordedOn: codedEntries.recordedOn, recordedAt: codedEntries.recordedAt })
    .from(codedEntries)
    .where(
      and(
        eq(codedEntries.practiceId, practiceId),
        afterId ? sql`${codedEntries.patientId} > ${afterId}` : undefined,
        sql`${codedEntries.patientId} <= ${lastId}`,
      ),
    );
}
