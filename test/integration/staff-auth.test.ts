import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../../app/auth/tokens.server";
import { currentTotpCode } from "../../app/auth/totp.server";
import { withoutPractice } from "../../db/tenancy.server";
import { ACCOUNT_LOCK_AFTER, ADDRESS_LOCK_AFTER } from "../../app/domain/sign-in-throttle";
import { saveThrottle } from "../../app/models/auth-throttle.server";
import { getStaffUserByEmail } from "../../app/models/staff.server";
import { addressKey } from "../../app/services/sign-in-attempts.server";
import { addPractice } from "../../app/services/practices.server";
import { addStaffFromCli, setStaffDisabled } from "../../app/services/staff-admin.server";
import {
  confirmTotpEnrolment,
  finishEnrolment,
  signInWithPassword,
  startTotpEnrolment,
  verifySecondFactor,
} from "../../app/services/staff-auth.server";
import { changePassword, issueNewRecoveryCodes } from "../../app/services/staff-account.server";
import { completeSetup } from "../../app/services/staff-setup.server";
import { lookUpSession, switchPractice, type StaffContext } from "../../app/services/staff-session.server";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database";

const PASSWORD = "tomato lantern orbit canal";
const noWait = async () => {};
let address = 0;
// A fresh client address per test, so per-address limits do not carry over.
const client = () => `192.0.2.${++address}`;

async function invite(email: string, role: "reception" | "clinician" | "manager" = "reception") {
  const result = await addStaffFromCli({ odsCode: "A81001", email, name: `Test ${role}`, role });
  if (!result.ok || result.kind !== "invited") throw new Error(`could not invite ${email}`);
  return result.setupLink.split("/").pop()!;
}

/** A person who has set a password and enrolled TOTP; returns their secret and a signed-in token. */
async function enrolledStaff(email: string, role: "reception" | "clinician" | "manager" = "reception") {
  const setup = await completeSetup({ token: await invite(email, role), password: PASSWORD, confirmPassword: PASSWORD });
  if (!setup.ok) throw new Error("set-up failed");
  const enrolment = await startTotpEnrolment(setup.pendingToken);
  if (!enrolment.ok) throw new Error("enrolment failed");
  const confirmed = await confirmTotpEnrolment({ pendingToken: setup.pendingToken, code: currentTotpCode(enrolment.secret, new Date()) });
  if (!confirmed.ok) throw new Error("confirmation failed");
  const finished = await finishEnrolment(setup.pendingToken);
  if (!finished.ok) throw new Error("finishing failed");
  return { email, secret: enrolment.secret, sessionToken: finished.sessionToken, recoveryCodes: confirmed.recoveryCodes, pendingToken: setup.pendingToken };
}

async function contextOf(token: string): Promise<StaffContext> {
  const lookup = await lookUpSession(token);
  if (lookup.kind !== "signed-in") throw new Error("not signed in");
  return lookup.context;
}

describe("staff sign-in", () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    await addPractice({ odsCode: "A81001", name: "Auth Test Surgery", clinicalSystem: "emis" });
  });
  afterAll(() => db.drop());

  it("takes a new person from set-up link through TOTP enrolment to a signed-in session", async () => {
    const person = await enrolledStaff("new.person@example.nhs.uk");
    const context = await contextOf(person.sessionToken);
    expect(context.user.email).toBe("new.person@example.nhs.uk");
    expect(context.practice.odsCode).toBe("A81001");
    expect(context.role).toBe("reception");
    // Ten different recovery codes, shown once at enrolment; the half-way session is spent.
    expect(new Set(person.recoveryCodes).size).toBe(10);
    expect(await finishEnrolment(person.pendingToken)).toEqual({ ok: false });
    expect(await confirmTotpEnrolment({ pendingToken: person.pendingToken, code: currentTotpCode(person.secret, new Date()) })).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses a set-up link twice, and refuses weak or mismatched passwords", async () => {
    const token = await invite("weak.password@example.nhs.uk");
    expect(await completeSetup({ token, password: "short", confirmPassword: "short" })).toMatchObject({ problem: "too-short" });
    expect(await completeSetup({ token, password: "password1234", confirmPassword: "password1234" })).toMatchObject({ problem: "common" });
    expect(await completeSetup({ token, password: "Auth Test Surgery!", confirmPassword: "Auth Test Surgery!" })).toMatchObject({ problem: "context" });
    expect(await completeSetup({ token, password: PASSWORD, confirmPassword: `${PASSWORD}x` })).toMatchObject({ problem: "mismatch" });
    expect(await completeSetup({ token, password: PASSWORD, confirmPassword: PASSWORD })).toMatchObject({ ok: true });
    expect(await completeSetup({ token, password: PASSWORD, confirmPassword: PASSWORD })).toEqual({ ok: false, reason: "expired" });
  });

  it("needs both the password and a current code, and gives a new session id at each step", async () => {
    const person = await enrolledStaff("two.factors@example.nhs.uk");
    const first = await signInWithPassword({ email: "Two.Factors@example.nhs.uk", password: PASSWORD, clientAddress: client(), onDelay: noWait });
    if (!first.ok) throw new Error("password step failed");
    expect(first.next).toBe("code");
    // The pending session is not a signed-in one.
    expect((await lookUpSession(first.pendingToken)).kind).toBe("signed-out");
    const now = new Date(Date.now() + 60_000); // a later time step than enrolment used
    const second = await verifySecondFactor({ pendingToken: first.pendingToken, code: currentTotpCode(person.secret, now), clientAddress: client(), now, onDelay: noWait });
    if (!second.ok) throw new Error("code step failed");
    expect(second.sessionToken).not.toBe(first.pendingToken);
    expect((await contextOf(second.sessionToken)).user.email).toBe("two.factors@example.nhs.uk");
    // The pending token is spent.
    const again = await verifySecondFactor({ pendingToken: first.pendingToken, code: currentTotpCode(person.secret, now), clientAddress: client(), now, onDelay: noWait });
    expect(again).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses a code used once already, and accepts each recovery code only once", async () => {
    const person = await enrolledStaff("replay@example.nhs.uk");
    // A new set replaces the one shown at enrolment.
    const reissueAt = new Date(Date.now() + 60_000);
    const reissued = await issueNewRecoveryCodes(
      await contextOf(person.sessionToken),
      { currentPassword: PASSWORD, code: currentTotpCode(person.secret, reissueAt) },
      { clientAddress: client(), now: reissueAt, onDelay: noWait },
    );
    if (!reissued.ok) throw new Error("new recovery codes refused");
    const codes = reissued.recoveryCodes;
    expect(codes.filter((c) => person.recoveryCodes.includes(c))).toEqual([]);
    const now = new Date(Date.now() + 120_000);
    const signIn = async (code: string) => {
      const first = await signInWithPassword({ email: person.email, password: PASSWORD, clientAddress: client(), onDelay: noWait });
      if (!first.ok) throw new Error("password step failed");
      return verifySecondFactor({ pendingToken: first.pendingToken, code, clientAddress: client(), now, onDelay: noWait });
    };
    const code = currentTotpCode(person.secret, now);
    expect((await signIn(code)).ok).toBe(true);
    expect(await signIn(code)).toEqual({ ok: false, reason: "invalid" });
    expect((await signIn(codes[0]!)).ok).toBe(true);
    expect(await signIn(codes[0]!)).toEqual({ ok: false, reason: "invalid" });
    expect(await signIn(person.recoveryCodes[1]!)).toEqual({ ok: false, reason: "invalid" });
  });

  it("answers a wrong password and an unknown email identically, slows them alike, then locks both", async () => {
    await enrolledStaff("locked.out@example.nhs.uk");
    const run = async (email: string) => {
      const outcomes: string[] = [];
      const delays: number[] = [];
      const clientAddress = client();
      for (let i = 0; i < ACCOUNT_LOCK_AFTER + 1; i++) {
        const result = await signInWithPassword({ email, password: "not the password at all", clientAddress, onDelay: async (ms) => void delays.push(ms) });
        outcomes.push(result.ok ? "ok" : result.reason);
      }
      // Even the right password is refused while the lock lasts.
      const right = await signInWithPassword({ email, password: PASSWORD, clientAddress: client(), onDelay: noWait });
      outcomes.push(right.ok ? "ok" : right.reason);
      return { outcomes, delays };
    };
    const existing = await run("locked.out@example.nhs.uk");
    const unknown = await run("nobody.here@example.nhs.uk");
    expect(existing.outcomes).toEqual(["invalid", "invalid", "invalid", "invalid", "locked", "locked", "locked"]);
    expect(unknown).toEqual(existing);
    expect(existing.delays[0]).toBe(0);
    expect(existing.delays[3]!).toBeGreaterThan(existing.delays[2]!);
  });

  it("locks the account after repeated wrong codes and ends the half-finished sign-in", async () => {
    const person = await enrolledStaff("wrong.codes@example.nhs.uk");
    const first = await signInWithPassword({ email: person.email, password: PASSWORD, clientAddress: client(), onDelay: noWait });
    if (!first.ok) throw new Error("password step failed");
    const results = [];
    for (let i = 0; i < ACCOUNT_LOCK_AFTER; i++) {
      results.push(await verifySecondFactor({ pendingToken: first.pendingToken, code: "000000", clientAddress: client(), onDelay: noWait }));
    }
    expect(results.map((r) => (r.ok ? "ok" : r.reason))).toEqual(["invalid", "invalid", "invalid", "invalid", "locked"]);
    const afterLock = await verifySecondFactor({ pendingToken: first.pendingToken, code: currentTotpCode(person.secret, new Date()), clientAddress: client(), onDelay: noWait });
    expect(afterLock).toEqual({ ok: false, reason: "expired" });
  });

  it("ends a session after 30 idle minutes, and after 12 hours however busy", async () => {
    const person = await enrolledStaff("timeouts@example.nhs.uk");
    const start = Date.now();
    expect((await lookUpSession(person.sessionToken, new Date(start + 29 * 60_000))).kind).toBe("signed-in");
    // Active every 25 minutes: never idle, but 12 hours is the limit.
    let last = start + 29 * 60_000;
    while (last + 25 * 60_000 < start + 12 * 3_600_000) {
      last += 25 * 60_000;
      expect((await lookUpSession(person.sessionToken, new Date(last))).kind).toBe("signed-in");
    }
    expect((await lookUpSession(person.sessionToken, new Date(start + 12 * 3_600_000 + 60_000))).kind).toBe("signed-out");

    const idle = await enrolledStaff("idle@example.nhs.uk");
    expect((await lookUpSession(idle.sessionToken, new Date(Date.now() + 31 * 60_000))).kind).toBe("signed-out");
    // Once ended, it stays ended.
    expect((await lookUpSession(idle.sessionToken)).kind).toBe("signed-out");
  });

  it("ends every session of someone disabled, and other sessions when a password changes", async () => {
    const manager = await enrolledStaff("manager@example.nhs.uk", "manager");
    const worker = await enrolledStaff("worker@example.nhs.uk");
    expect((await setStaffDisabled(await contextOf(manager.sessionToken), (await contextOf(worker.sessionToken)).user.id, true)).ok).toBe(true);
    expect((await lookUpSession(worker.sessionToken)).kind).toBe("signed-out");
    const refused = await signInWithPassword({ email: worker.email, password: PASSWORD, clientAddress: client(), onDelay: noWait });
    expect(refused.ok).toBe(true); // the password is right…
    const code = currentTotpCode(worker.secret, new Date(Date.now() + 60_000));
    const second = await verifySecondFactor({ pendingToken: refused.ok ? refused.pendingToken : "", code, clientAddress: client(), now: new Date(Date.now() + 60_000), onDelay: noWait });
    if (!second.ok) throw new Error("second factor failed");
    // …but with no practice left to act for, there is no session.
    expect((await lookUpSession(second.sessionToken)).kind).toBe("signed-out");

    const changer = await enrolledStaff("changer@example.nhs.uk");
    const other = await signInWithPassword({ email: changer.email, password: PASSWORD, clientAddress: client(), onDelay: noWait });
    const later = new Date(Date.now() + 90_000);
    const otherSession = await verifySecondFactor({ pendingToken: other.ok ? other.pendingToken : "", code: currentTotpCode(changer.secret, later), clientAddress: client(), now: later, onDelay: noWait });
    if (!otherSession.ok) throw new Error("second session failed");
    const newPassword = "violet harbour ladder sixteen";
    const changeAt = new Date(Date.now() + 150_000);
    const change = { currentPassword: PASSWORD, code: currentTotpCode(changer.secret, changeAt), newPassword, confirmPassword: newPassword };
    expect(await changePassword(await contextOf(changer.sessionToken), change, { clientAddress: client(), now: changeAt, onDelay: noWait })).toEqual({ ok: true });
    expect((await lookUpSession(changer.sessionToken)).kind).toBe("signed-in");
    expect((await lookUpSession(otherSession.sessionToken)).kind).toBe("signed-out");
  });

  it("makes someone who works for two practices choose one, and switch only between their own", async () => {
    await addPractice({ odsCode: "B82002", name: "Second Surgery", clinicalSystem: "tpp" });
    await addPractice({ odsCode: "C83003", name: "Not Theirs Surgery", clinicalSystem: "tpp" });
    const person = await enrolledStaff("two.practices@example.nhs.uk", "clinician");
    // Added to a second practice while signed in to the first.
    expect(await addStaffFromCli({ odsCode: "B82002", email: person.email, name: "Test clinician", role: "manager" })).toMatchObject({ ok: true, kind: "added" });
    const first = await signInWithPassword({ email: person.email, password: PASSWORD, clientAddress: client(), onDelay: noWait });
    const later = new Date(Date.now() + 60_000);
    const signedIn = await verifySecondFactor({ pendingToken: first.ok ? first.pendingToken : "", code: currentTotpCode(person.secret, later), clientAddress: client(), now: later, onDelay: noWait });
    if (!signedIn.ok) throw new Error("sign-in failed");
    const lookup = await lookUpSession(signedIn.sessionToken);
    expect(lookup.kind).toBe("choose-practice");
    expect(await switchPractice(signedIn.sessionToken, "C83003")).toBe(false);
    expect(await switchPractice(signedIn.sessionToken, "B82002")).toBe(true);
    const context = await contextOf(signedIn.sessionToken);
    expect([context.practice.odsCode, context.role]).toEqual(["B82002", "manager"]);
  });

  it("counts nothing against an account for tries refused because their client address is locked", async () => {
    const person = await enrolledStaff("behind.locked.address@example.nhs.uk");
    const lockedAddress = client();
    const now = new Date();
    await withoutPractice((tx) =>
      saveThrottle(tx, addressKey(lockedAddress).key, { failures: ADDRESS_LOCK_AFTER, windowStartedAt: now, lockedUntil: new Date(now.getTime() + 60_000) }),
    );
    for (let i = 0; i < ACCOUNT_LOCK_AFTER + 2; i++) {
      const refused = await signInWithPassword({ email: person.email, password: "a guess", clientAddress: lockedAddress, onDelay: noWait });
      expect(refused).toEqual({ ok: false, reason: "locked" });
    }
    // The person, from anywhere else, is not locked out by them.
    expect((await signInWithPassword({ email: person.email, password: PASSWORD, clientAddress: client(), onDelay: noWait })).ok).toBe(true);
  });

  it("counts one account's tries together however its address is spelled", async () => {
    const person = await enrolledStaff("spelling.variants@example.nhs.uk");
    // Spellings the lookup finds, as PostgreSQL's lower() compares them (which may map İ to i).
    const spellings = ["Spelling.Variants@example.nhs.uk", "SPELLING.VARIANTS@EXAMPLE.NHS.UK", "spelling.varİants@example.nhs.uk", "spellİng.varİants@example.nhs.uk", " spelling.variants@Example.NHS.uk"];
    const found: string[] = [];
    for (const spelling of spellings) {
      if ((await withoutPractice((tx) => getStaffUserByEmail(tx, spelling)))?.email === person.email) found.push(spelling);
    }
    expect(found.length).toBeGreaterThanOrEqual(3);
    const tries = Array.from({ length: ACCOUNT_LOCK_AFTER }, (_, i) => found[i % found.length]!);
    for (const spelling of tries) await signInWithPassword({ email: spelling, password: "a guess", clientAddress: client(), onDelay: noWait });
    expect(await signInWithPassword({ email: person.email, password: PASSWORD, clientAddress: client(), onDelay: noWait })).toEqual({ ok: false, reason: "locked" });
  });

  it("limits code guesses on the account page even when the password is entered right at sign-in between them", async () => {
    const person = await enrolledStaff("account.code.guesses@example.nhs.uk");
    const context = await contextOf(person.sessionToken);
    const guess = () => issueNewRecoveryCodes(context, { currentPassword: PASSWORD, code: "000000" }, { clientAddress: client(), onDelay: noWait });
    for (let i = 0; i < ACCOUNT_LOCK_AFTER - 1; i++) expect(await guess()).toMatchObject({ ok: false, proof: { field: "code", problem: "wrong" } });
    // A right password at sign-in starts the account's count again, but not the second factor's.
    expect((await signInWithPassword({ email: person.email, password: PASSWORD, clientAddress: client(), onDelay: noWait })).ok).toBe(true);
    expect(await guess()).toMatchObject({ ok: false, proof: { problem: "locked" } });
    expect((await lookUpSession(person.sessionToken)).kind).toBe("signed-out");
  });

  it("keeps answering when more people than there are connections give a right code at the same moment", async () => {
    // More than the test pool's four connections, each with its own counts, so none is slowed.
    const people = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => enrolledStaff(`rush.${n}@example.nhs.uk`)));
    const halfWay: string[] = [];
    for (const person of people) {
      const first = await signInWithPassword({ email: person.email, password: PASSWORD, clientAddress: client(), onDelay: noWait });
      if (!first.ok) throw new Error("password step failed");
      halfWay.push(first.pendingToken);
    }
    const codes = people.map((person, i) => verifySecondFactor({ pendingToken: halfWay[i]!, code: person.recoveryCodes[0]!, clientAddress: client(), onDelay: noWait }));
    const stalled = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("sign-ins stalled: every connection waits for another")), 20_000).unref());
    const results = await Promise.race([Promise.all(codes), stalled]);
    expect(results.map((r) => r.ok)).toEqual(Array(people.length).fill(true));
  });

  it("keeps only hashes of session tokens and recovery codes", async () => {
    const person = await enrolledStaff("hashes@example.nhs.uk");
    const rows = await db.admin`select token_hash from staff_sessions`;
    expect(rows.map((r) => r.token_hash)).toContain(hashToken(person.sessionToken));
    expect(rows.map((r) => r.token_hash)).not.toContain(person.sessionToken);
  });
});
