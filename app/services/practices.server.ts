import { z } from "zod";
import { getDb } from "../../db/client.server";
import { isIsoDay } from "../domain/calendar";
import {
  countPractices,
  getPracticeByOdsCode,
  insertPractice,
  listPractices,
  type Practice,
} from "../models/practices.server";

export const newPracticeSchema = z.object({
  odsCode: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9]{3,8}$/, { error: "ODS code must be 3 to 8 letters and digits, like A81001" }),
  name: z.string().trim().min(1, { error: "Enter the practice name" }).max(200),
  clinicalSystem: z.enum(["emis", "tpp"], { error: "Clinical system must be emis or tpp" }),
  phone: z.string().trim().max(40).optional(),
  goLiveDate: z
    .string()
    .refine(isIsoDay, { error: "Go-live date must be a real date written YYYY-MM-DD" })
    .optional(),
});

export type NewPracticeInput = z.input<typeof newPracticeSchema>;

export async function addPractice(
  input: NewPracticeInput,
): Promise<{ ok: true; practice: Practice } | { ok: false; error: string }> {
  const parsed = newPracticeSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: `${parsed.error.issues[0]!.message}.` };
  const db = getDb();
  if (await getPracticeByOdsCode(db, parsed.data.odsCode)) {
    return { ok: false, error: `A practice with ODS code ${parsed.data.odsCode} already exists.` };
  }
  return { ok: true, practice: await insertPractice(db, parsed.data) };
}

export function findPractice(odsCode: string): Promise<Practice | null> {
  return getPracticeByOdsCode(getDb(), odsCode.trim().toUpperCase());
}

export function allPractices(): Promise<Practice[]> {
  return listPractices(getDb());
}

export function practiceCount(): Promise<number> {
  return countPractices(getDb());
}
