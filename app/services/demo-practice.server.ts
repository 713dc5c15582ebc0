import { withoutPractice } from "../../db/tenancy.server";
import { hashPassword } from "../auth/password.server";
import type { StaffRole } from "../domain/roles";
import { getPracticeByOdsCode } from "../models/practices.server";
import { getStaffUserByEmail, insertMembership, insertStaffUser, updateStaffUser } from "../models/staff.server";
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

// Fixed, published credentials: the demo practice exists only for trying
// the portal on a machine of one's own (DEMO_PRACTICE, on by default only
// with the embedded database), never with real patients.
export const DEMO_PASSWORD = "riverside demo only 2026";
export const DEMO_STAFF: { role: StaffRole; email: string; name: string; totpSecret: string }[] = [
  { role: "manager", email: "manager@riverside.example", name: "Morgan Manager", totpSecret: "JBSWY3DPEHPK3PXPMANAGERDEMOAAAAA" },
  { role: "reception", email: "reception@riverside.example", name: "Rhian Reception", totpSecret: "JBSWY3DPEHPK3PXPRECEPTIONDEMOAAA" },
  { role: "clinician", email: "clinician@riverside.example", name: "Dr Cai Clinician", totpSecret: "JBSWY3DPEHPK3PXPCLINICIANDEMOAAA" },
];

/**
 * On an empty database, creates a demo practice with a seeded list and one
 * member of staff per role, so a newcomer sees a working portal. Does
 * nothing once any practice exists.
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
  await createDemoStaff(added.practice.id);
  log(
    `Created the demo practice ${DEMO_PRACTICE.name} (${DEMO_PRACTICE.odsCode}) with ${seeded.patients.toLocaleString("en-GB")} synthetic patients.`,
  );
}

async function createDemoStaff(practiceId: string): Promise<void> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await withoutPractice(async (tx) => {
    for (const person of DEMO_STAFF) {
      const user = (await getStaffUserByEmail(tx, person.email)) ?? (await insertStaffUser(tx, person));
      await updateStaffUser(tx, user.id, {
        passwordHash,
        passwordChangedAt: new Date(),
        status: "active",
        totpSecret: person.totpSecret,
        totpEnrolledAt: new Date(),
      });
      // Made with their factors already set: nobody is invited, so nothing waits to be accepted.
      await insertMembership(tx, { staffUserId: user.id, practiceId, role: person.role, acceptedAt: new Date() });
    }
  });
}

/** The lines the start-up log shows while the demo practice is in use. */
export async function demoSignInHelp(): Promise<string[]> {
  const practice = await withoutPractice((tx) => getPracticeByOdsCode(tx, DEMO_PRACTICE.odsCode));
  if (!practice) return [];
  return [
    "Demo staff sign-in (demo practice only, never for real patients):",
    ...DEMO_STAFF.map((p) => `  ${p.role.padEnd(9)} ${p.email}  TOTP secret ${p.totpSecret}`),
    `  password for each: ${DEMO_PASSWORD}`,
    "  current codes: npm run --silent cli -- staff demo-codes",
  ];
}
