import { withPractice, withoutPractice } from "../../db/tenancy.server";
import { syntheticPatients } from "../domain/synthetic-patients";
import { replaceCodedEntries, upsertPatients, type NewCodedEntry } from "../models/patients.server";
import { getPracticeByOdsCode } from "../models/practices.server";

export interface SeedOptions {
  odsCode: string;
  patients: number;
  bulk104?: boolean;
}

export type SeedResult =
  | { ok: true; practice: string; patients: number; codedEntries: number }
  | { ok: false; error: string };

// The 999 test range holds about 909,000 valid NHS numbers.
export const MAX_SEED_PATIENTS = 500_000;

/**
 * Fills a practice with a deterministic synthetic list. Seeding again with
 * the same options leaves the practice exactly as the first run did.
 */
export async function seedPractice(options: SeedOptions): Promise<SeedResult> {
  if (!Number.isInteger(options.patients) || options.patients < 1 || options.patients > MAX_SEED_PATIENTS) {
    return { ok: false, error: `The number of patients must be a whole number from 1 to ${MAX_SEED_PATIENTS.toLocaleString("en-GB")}.` };
  }
  const practice = await withoutPractice((tx) => getPracticeByOdsCode(tx, options.odsCode));
  if (!practice) return { ok: false, error: `There is no practice with ODS code ${options.odsCode}.` };

  const list = syntheticPatients({
    seed: practice.odsCode,
    count: options.patients,
    bulk104: options.bulk104,
  });

  let codedEntryCount = 0;
  await withPractice(practice.id, async (tx) => {
    const ids = await upsertPatients(
      tx,
      list.map(({ codes: _codes, ...patient }) => ({
        ...patient,
        practiceId: practice.id,
        registration: "registered" as const,
      })),
    );
    const entries: NewCodedEntry[] = list.flatMap((patient) =>
      patient.codes.map((c) => ({
        practiceId: practice.id,
        patientId: ids.get(patient.nhsNumber)!,
        code: c.code,
        recordedOn: c.recordedOn,
        recordedAt: c.recordedAt ? new Date(c.recordedAt) : null,
        source: "seed" as const,
      })),
    );
    codedEntryCount = entries.length;
    await replaceCodedEntries(tx, practice.id, [...ids.values()], entries);
  });

  return { ok: true, practice: practice.odsCode, patients: list.length, codedEntries: codedEntryCount };
}
