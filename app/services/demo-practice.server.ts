import { addPractice, practiceCount } from "./practices.server";
import { seedPractice } from "./seed.server";

export const DEMO_PRACTICE = {
  odsCode: "Y90001",
  name: "Riverside Medical Practice",
  clinicalSystem: "emis",
  // From Ofcom's range for drama, so it can never ring a real person.
  phone: "0113 496 0000",
  patients: 2000,
} as const;

/**
 * On an empty database, creates a demo practice with a seeded list so a
 * newcomer sees a working portal. Does nothing once any practice exists.
 */
export async function ensureDemoPractice(log: (line: string) => void): Promise<void> {
  if ((await practiceCount()) > 0) return;
  const added = await addPractice({
    odsCode: DEMO_PRACTICE.odsCode,
    name: DEMO_PRACTICE.name,
    clinicalSystem: DEMO_PRACTICE.clinicalSystem,
    phone: DEMO_PRACTICE.phone,
  });
  // Another process starting at the same moment created it first.
  if (!added.ok) return;
  const seeded = await seedPractice({ odsCode: DEMO_PRACTICE.odsCode, patients: DEMO_PRACTICE.patients });
  if (!seeded.ok) throw new Error(seeded.error);
  log(
    `Created the demo practice ${DEMO_PRACTICE.name} (${DEMO_PRACTICE.odsCode}) with ${seeded.patients.toLocaleString("en-GB")} synthetic patients.`,
  );
}
