import { getDb } from "../../db/client.server";
import { getPracticeByOdsCode, listPractices } from "../models/practices.server";

export interface PublicPractice {
  odsCode: string;
  name: string;
  phone: string | null;
}

export type PatientHome =
  | { kind: "practice"; practice: PublicPractice }
  | { kind: "chooser"; practices: PublicPractice[] }
  | { kind: "none" };

const toPublic = (p: PublicPractice): PublicPractice => ({ odsCode: p.odsCode, name: p.name, phone: p.phone });

/**
 * Which practice the home page speaks for: the one asked for, the only one
 * there is, or a choice when the portal serves several.
 */
export async function getPatientHome(requestedOdsCode: string | null): Promise<PatientHome> {
  const db = getDb();
  if (requestedOdsCode) {
    const practice = await getPracticeByOdsCode(db, requestedOdsCode.trim().toUpperCase());
    if (practice) return { kind: "practice", practice: toPublic(practice) };
  }
  const practices = await listPractices(db);
  if (practices.length === 0) return { kind: "none" };
  if (practices.length === 1) return { kind: "practice", practice: toPublic(practices[0]!) };
  return { kind: "chooser", practices: practices.map(toPublic) };
}
