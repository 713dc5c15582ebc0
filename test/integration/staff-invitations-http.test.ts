import postgres from "postgres";
import PostalMime from "postal-mime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { currentTotpCode } from "../../app/auth/totp.server";
import { DEMO_PASSWORD, DEMO_PRACTICE, DEMO_STAFF } from "../../app/services/demo-practice.server";
import { startAppUnderTest, type AppUnderTest } from "../helpers/app-under-test";
import { runCli } from "../helpers/run-command";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink";
import { StaffClient } from "../helpers/staff-http";

// Issue 17, finding 2 (another practice taking over an invited account), the invitation parts of
// finding 6 (an invitation revealed whether an address had an account, and added a membership
// unasked) and point 7 (a manager resets a colleague's sign-in; links are emailed). Tried as an
// attacker would, over HTTP against the running server, with its mail going to an SMTP sink.

const A = { ods: DEMO_PRACTICE.odsCode, name: DEMO_PRACTICE.name };
const B = { ods: "B86042", name: "Bramble Lane Surgery" };
const demoManager = DEMO_STAFF.find((p) => p.role === "manager")!;
const demoClinician = DEMO_STAFF.find((p) => p.role === "clinician")!;
const PASSWORD = "copper meadow lantern ninety";
const SET_UP_PATH = /\/staff\/set-up\/[\w-]{20,}/g;

// A TOTP code is good once: each sign-in here uses a later time step than the last for that secret.
const lastStep = new Map<string, number>();
async function nextCode(secret: string): Promise<string> {
  for (;;) {
    const current = Math.floor(Date.now() / 30_000);
    const step = [current, current + 1].find((s) => s > (lastStep.get(secret) ?? -1));
    if (step !== undefined) {
      lastStep.set(secret, step);
      return currentTotpCode(secret, new Date(step * 30_000 + 1_000));
    }
    await new Promise((resolve) => setTimeout(resolve, (current + 1) * 30_000 - Date.now() + 50));
  }
}

describe("staff invitations and resets over HTTP", () => {
  let app: AppUnderTest;
  let sink: SmtpSink;
  let admin: postgres.Sql;
  let aManager: StaffClient;
  let bManager: StaffClient;
  let patientOfA: { nhs: string; family: string };
  /** What `cli staff add` printed for B's first manager. */
  let bPrinted: { setupLink: string; emailed: boolean };
  /** Sam Settled: invited by A and set up with A's link; later invited by B, and reset by A. */
  const settled = { secret: "", recoveryCodes: [] as string[], session: null as StaffClient | null };

  // --- mail --------------------------------------------------------------------------------

  interface Mail {
    to: string[];
    subject: string;
    text: string;
    html: string;
    links: string[];
  }

  async function mailTo(address: string): Promise<Mail[]> {
    const mails = sink.received.filter((m) => m.to.includes(address.toLowerCase()));
    return Promise.all(
      mails.map(async (m) => {
        const parsed = await PostalMime.parse(m.source);
        const text = parsed.text ?? "";
        return { to: m.to, subject: parsed.subject ?? "", text, html: parsed.html ?? "", links: [...new Set(text.match(SET_UP_PATH) ?? [])] };
      }),
    );
  }

  /** Waits for the `count`th email to an address, and returns it. */
  async function nthMailTo(address: string, count: number, timeoutMs = 10_000): Promise<Mail> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const mails = await mailTo(address);
      if (mails.length >= count) return mails[count - 1]!;
      if (Date.now() > until) throw new Error(`${address} has ${mails.length} emails, not ${count}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const linkIn = (mail: Mail) => {
    expect(mail.links).toHaveLength(1);
    return mail.links[0]!;
  };

  // --- pages -------------------------------------------------------------------------------

  async function invite(manager: StaffClient, email: string, role: string, name = "Invited Person") {
    const response = await manager.post("/staff/team", { intent: "invite", name, email, role });
    const html = await response.text();
    return { status: response.status, html, message: /data-testid="team-message">([^<]*)</.exec(html)?.[1] ?? null };
  }

  async function signIn(email: string, password: string, secret: string, returnTo?: string): Promise<StaffClient> {
    const client = new StaffClient(app.baseUrl);
    const first = await client.post("/staff/sign-in", returnTo ? { email, password, returnTo } : { email, password });
    const next = first.headers.get("location") ?? "";
    if (!next.startsWith("/staff/security-code")) throw new Error(`password step for ${email}: ${first.status}`);
    const second = await client.post(next, { code: await nextCode(secret) });
    if (second.status !== 302) throw new Error(`code step for ${email}: ${second.status}`);
    expect(second.headers.get("location")).toBe(returnTo ?? "/staff");
    return client;
  }

  /** Whether this password gets past the first step of signing in. */
  async function passwordWorks(email: string, password: string): Promise<boolean> {
    const response = await new StaffClient(app.baseUrl).post("/staff/sign-in", { email, password });
    return (response.headers.get("location") ?? "").startsWith("/staff/");
  }

  /** Sets a password with a set-up link, then enrols an authenticator: a signed-in client and its secret. */
  async function setUpWith(link: string, password = PASSWORD): Promise<{ client: StaffClient; secret: string; recoveryCodes: string[] }> {
    const client = new StaffClient(app.baseUrl);
    const path = new URL(link, app.baseUrl).pathname;
    const set = await client.post(path, { password, confirmPassword: password });
    if (set.headers.get("location") !== "/staff/enrol") throw new Error(`set-up with ${path}: ${set.status} ${set.headers.get("location")}`);
    const enrol = await (await client.get("/staff/enrol")).text();
    const secret = /data-testid="totp-secret">([^<]+)</.exec(enrol)![1]!.replace(/\s/g, "");
    const confirmed = await client.post("/staff/enrol", { intent: "confirm", code: await nextCode(secret) });
    expect(confirmed.status).toBe(200);
    const recoveryCodes = [...(await confirmed.text()).matchAll(/<code class="nhsuk-u-font-size-24">([a-z0-9]+)<\/code>/g)].map((m) => m[1]!);
    const finished = await client.post("/staff/enrol", { intent: "finish" });
    expect(finished.status).toBe(302);
    return { client, secret, recoveryCodes };
  }

  /** Whether a signed-in client can see a patient of practice A, choosing A first if it may. */
  async function reachesPatientOfA(client: StaffClient): Promise<boolean> {
    const home = await client.get("/staff");
    if (home.headers.get("location") === "/staff/practice") await client.post("/staff/practice", { odsCode: A.ods });
    const lookup = await client.get(`/staff/patients?nhsNumber=${patientOfA.nhs}`);
    return lookup.status === 200 && (await lookup.text()).includes(patientOfA.family);
  }

  /** The practices a signed-in client may choose, by ODS code. */
  const choosable = async (client: StaffClient) =>
    [...(await (await client.get("/staff/practice")).text()).matchAll(/name="odsCode" value="([A-Z0-9]+)"/g)].map((m) => m[1]!).sort();
  const membershipOf = async (email: string, ods: string) => {
    const [row] = await admin<{ role: string; accepted: boolean }[]>`
      select m.role, m.accepted_at is not null as accepted from staff_memberships m
      join staff_users u on u.id = m.staff_user_id join practices p on p.id = m.practice_id
      where lower(u.email) = lower(${email}) and p.ods_code = ${ods}`;
    return row ?? null;
  };
  const idOf = async (email: string) => (await admin<{ id: string }[]>`select id from staff_users where lower(email) = lower(${email})`)[0]!.id;
  const teamRow = (html: string, email: string) => {
    const row = html.split("<tr").find((r) => r.includes(`>${email}<`));
    return row ?? "";
  };

  beforeAll(async () => {
    sink = await startSmtpSink();
    app = await startAppUnderTest({ env: { SMTP_URL: sink.url } });
    admin = postgres(app.databaseUrl, { max: 1, onnotice: () => {} });
    const env = { DATABASE_URL: app.databaseUrl, SMTP_URL: sink.url };
    expect((await runCli(["practice", "add", "--ods", B.ods, "--name", B.name, "--system", "tpp"], env)).code).toBe(0);
    // The operator adds B's first manager: the link is printed, and emailed.
    const added = await runCli(["staff", "add", "--practice", B.ods, "--email", "boss@bramble.example", "--name", "Bea Boss", "--role", "manager", "--json"], env);
    expect(added.code, added.stderr).toBe(0);
    bPrinted = JSON.parse(added.stdout) as { setupLink: string; emailed: boolean };
    bManager = (await setUpWith(bPrinted.setupLink)).client;
    aManager = await signIn(demoManager.email, DEMO_PASSWORD, demoManager.totpSecret);
    const [patient] = await admin<{ nhs_number: string; family_name: string }[]>`
      select nhs_number, family_name from patients p join practices pr on pr.id = p.practice_id
      where pr.ods_code = ${A.ods} order by nhs_number limit 1`;
    patientOfA = { nhs: patient!.nhs_number, family: patient!.family_name };
  }, 180_000);

  afterAll(async () => {
    await admin?.end();
    await app?.stop();
    await sink?.close();
  });

  it("cli staff add prints the set-up link for the operator, and emails it to the person", async () => {
    expect(bPrinted.emailed).toBe(true);
    const mail = await nthMailTo("boss@bramble.example", 1);
    expect(mail.subject).toBe(`You have been invited to ${B.name}'s online access portal`);
    expect(linkIn(mail)).toBe(new URL(bPrinted.setupLink).pathname);
  });

  it("the takeover of issue 17: B's manager re-invites someone A invited, and cannot reach A's patients with any link there is", async () => {
    expect((await invite(aManager, "victim@example.nhs.uk", "clinician", "Vic Victim")).status).toBe(200);
    const answer = await invite(bManager, "victim@example.nhs.uk", "manager", "Vic Victim");
    expect(answer.status).toBe(200);
    // Every set-up link B's manager could lay hands on: the page's, and (at worst) B's own email to the person.
    const onPage = answer.html.match(SET_UP_PATH) ?? [];
    const emailedByB = (await mailTo("victim@example.nhs.uk")).filter((m) => m.subject.includes(B.name)).flatMap((m) => m.links);
    for (const link of [...onPage, ...emailedByB]) {
      const { client } = await setUpWith(link);
      expect(await reachesPatientOfA(client), `reached A's patient with ${link}`).toBe(false);
      expect(await choosable(client)).not.toContain(A.ods);
      expect((await client.post("/staff/practice", { odsCode: A.ods })).status).toBe(403);
    }
    expect(onPage).toEqual([]);
    expect(emailedByB).toHaveLength(1);
    // A's invitation still waits for A's own link.
    expect(await membershipOf("victim@example.nhs.uk", A.ods)).toEqual({ role: "clinician", accepted: false });
  });

  it("answers an invitation the same for an address invited elsewhere, one set up elsewhere and a new one, and shows no link", async () => {
    // Someone A invited who has set up their account with A's emailed link.
    await invite(aManager, "settled@example.nhs.uk", "reception", "Sam Settled");
    const fromA = await nthMailTo("settled@example.nhs.uk", 1);
    expect(fromA.subject).toBe(`You have been invited to ${A.name}'s online access portal`);
    const setUp = await setUpWith(linkIn(fromA));
    settled.secret = setUp.secret;
    settled.recoveryCodes = setUp.recoveryCodes;
    expect(await choosable(setUp.client)).toEqual([A.ods]);

    await invite(aManager, "waiting@example.nhs.uk", "clinician", "Wyn Waiting");
    const answers = [];
    for (const email of ["waiting@example.nhs.uk", "settled@example.nhs.uk", "brand.new@example.nhs.uk"]) {
      const answer = await invite(bManager, email, "clinician", "Somebody");
      answers.push({ status: answer.status, message: answer.message?.replace(email, "EMAIL"), links: answer.html.match(SET_UP_PATH) ?? [] });
      // B's list shows each of them the same way: invited, by the name B typed, nothing of their account elsewhere.
      expect(teamRow(answer.html, email)).toContain(">Invited<");
      expect(teamRow(answer.html, email)).toContain("Somebody");
      expect(teamRow(answer.html, email)).not.toMatch(/Sam Settled|Wyn Waiting/);
    }
    expect(answers).toEqual(
      Array(3).fill({ status: 200, message: "We have emailed an invitation to EMAIL. It is valid for 7 days.", links: [] }),
    );
    // Each was emailed B's invitation, in the same words.
    const bodies = await Promise.all(
      ["waiting@example.nhs.uk", "settled@example.nhs.uk", "brand.new@example.nhs.uk"].map(async (email) => {
        const mails = (await mailTo(email)).filter((m) => m.subject === `You have been invited to ${B.name}'s online access portal`);
        expect(mails).toHaveLength(1);
        return mails[0]!.text.replace(SET_UP_PATH, "LINK");
      }),
    );
    expect(new Set(bodies).size).toBe(1);
    expect(bodies[0]).toContain(`${B.name} has invited you to work in its GP online access portal as a clinician.`);
    // Nobody joined B by being invited.
    expect(await membershipOf("settled@example.nhs.uk", B.ods)).toEqual({ role: "clinician", accepted: false });
    expect(await choosable(setUp.client)).toEqual([A.ods]);
    // Someone who already works here is told so: that is B's own list.
    const again = await invite(bManager, "boss@bramble.example", "clinician");
    expect(again.status).toBe(400);
    expect(again.html).toContain("boss@bramble.example already works for this practice.");
  });

  it("a person set up at A signs in to accept B's invitation; the link does nothing for anyone else", async () => {
    const mail = (await mailTo("settled@example.nhs.uk")).find((m) => m.subject.includes(B.name))!;
    const path = linkIn(mail);

    // Not signed in: asked to sign in; no password form; posting does nothing.
    const stranger = new StaffClient(app.baseUrl);
    const page = await stranger.get(path);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`${B.name} has invited you to join as a clinician. Sign in to accept.`);
    expect(html).not.toContain('name="password"');
    expect(html).toContain(`/staff/sign-in?returnTo=${encodeURIComponent(path)}`);
    expect((await stranger.post(path, { intent: "accept" })).status).toBe(302);
    expect((await stranger.post(path, { password: "a new password for them", confirmPassword: "a new password for them" })).headers.get("location")).toBe(path);
    expect(await passwordWorks("settled@example.nhs.uk", PASSWORD)).toBe(true);

    // Signed in as someone else: refused, and nothing changes.
    const other = await aManager.get(path);
    expect(other.status).toBe(403);
    expect(await other.text()).toContain("This invitation is for someone else");
    expect((await aManager.post(path, { intent: "accept" })).status).toBe(302);
    expect(await membershipOf("settled@example.nhs.uk", B.ods)).toMatchObject({ accepted: false });
    expect(await membershipOf(demoManager.email, B.ods)).toBeNull();

    // The person signs in (back to the link), and accepts.
    const person = await signIn("settled@example.nhs.uk", PASSWORD, settled.secret, path);
    settled.session = person;
    const signedIn = await (await person.get(path)).text();
    expect(signedIn).toContain("Accept the invitation");
    const accepted = await person.post(path, { intent: "accept" });
    expect(accepted.headers.get("location")).toBe(`/staff/practice?joined=${B.ods}`);
    expect(await (await person.get(`/staff/practice?joined=${B.ods}`)).text()).toContain(`You have joined ${B.name}.`);
    expect(await choosable(person)).toEqual([B.ods, A.ods].sort());
    expect((await person.post("/staff/practice", { odsCode: B.ods })).headers.get("location")).toBe("/staff");
    expect(await (await person.get("/staff")).text()).toContain(B.name);
    // Used once.
    expect(await (await person.get(path)).text()).toContain("This set-up link has expired or been used");
    const [event] = await admin<{ action: string }[]>`
      select a.action from audit_events a join practices p on p.id = a.practice_id
      where p.ods_code = ${B.ods} and a.action = 'staff.invitation-accepted' and a.actor_id = ${await idOf("settled@example.nhs.uk")}`;
    expect(event).toBeDefined();
  });

  it("a person with an account can decline an invitation", async () => {
    await invite(bManager, demoManager.email, "reception");
    const path = linkIn((await mailTo(demoManager.email)).find((m) => m.subject.includes(B.name))!);
    const page = await (await aManager.get(path)).text();
    expect(page).toContain(`${B.name} has invited you to join as reception staff.`);
    const declined = await aManager.post(path, { intent: "decline" });
    expect(declined.status).toBe(200);
    expect(await declined.text()).toContain(`You will not join ${B.name}.`);
    expect(await membershipOf(demoManager.email, B.ods)).toBeNull();
    expect(await (await bManager.get("/staff/team")).text()).not.toContain(demoManager.email);
    expect((await aManager.post(path, { intent: "accept" })).status).toBe(302);
    expect(await membershipOf(demoManager.email, B.ods)).toBeNull();
    const [event] = await admin<{ n: number }[]>`
      select count(*)::int as n from audit_events a join practices p on p.id = a.practice_id
      where p.ods_code = ${B.ods} and a.action = 'staff.invitation-declined'`;
    expect(event!.n).toBe(1);
  });

  it("a manager's reset stops the old password and authenticator at once; the emailed link sets up new ones, other practices kept", async () => {
    const email = "settled@example.nhs.uk";
    const id = await idOf(email);
    const before = settled.session!;
    expect((await before.get("/staff")).status).toBe(200);
    // First the warning: nothing is reset yet.
    const warning = await aManager.post("/staff/team", { intent: "reset-sign-in", staffUserId: id });
    expect(warning.status).toBe(200);
    expect(await warning.text()).toContain("Reset Sam Settled&#x27;s sign-in?");
    expect(await passwordWorks(email, PASSWORD)).toBe(true);
    const mailsBefore = (await mailTo(email)).length;

    const reset = await aManager.post("/staff/team", { intent: "reset-sign-in", staffUserId: id, confirm: "yes" });
    expect(reset.status).toBe(200);
    const resetPage = await reset.text();
    expect(resetPage).toContain("We have reset Sam Settled&#x27;s sign-in and emailed them a link to set it up again.");
    expect(resetPage.match(SET_UP_PATH)).toBeNull();
    expect(teamRow(resetPage, email)).toContain("Sign-in reset, not set up again yet");

    // Old factors: the session has ended, the password no longer signs in, nothing is left of the authenticator.
    expect((await before.get("/staff")).headers.get("location")).toMatch(/^\/staff\/sign-in/);
    expect(await passwordWorks(email, PASSWORD)).toBe(false);
    const [factors] = await admin<{ password: boolean; totp: boolean; codes: number; status: string }[]>`
      select password_hash is not null as password, (totp_secret is not null or totp_enrolled_at is not null) as totp, status,
             (select count(*)::int from staff_recovery_codes where staff_user_id = ${id}) as codes
      from staff_users where id = ${id}`;
    expect(factors).toEqual({ password: false, totp: false, codes: 0, status: "invited" });
    const [audit] = await admin<{ actor: string }[]>`
      select u.email as actor from audit_events a join staff_users u on u.id = a.actor_id
      where a.action = 'staff.sign-in-reset' and a.subject_id = ${id}`;
    expect(audit!.actor).toBe(demoManager.email);

    const mail = await nthMailTo(email, mailsBefore + 1);
    expect(mail.subject).toBe("Your sign-in to the online access portal has been reset");
    expect(mail.text).toContain(`A practice manager at ${A.name} has reset your sign-in`);
    const newPassword = "harbour violet compass eleven";
    const again = await setUpWith(linkIn(mail), newPassword);
    expect(again.secret).not.toBe(settled.secret);
    // With the new password, neither the old authenticator nor an old recovery code gets them in.
    expect(settled.recoveryCodes).toHaveLength(10);
    for (const oldFactor of [currentTotpCode(settled.secret, new Date()), settled.recoveryCodes[0]!]) {
      const attempt = new StaffClient(app.baseUrl);
      const first = await attempt.post("/staff/sign-in", { email, password: newPassword });
      expect(first.headers.get("location")).toBe("/staff/security-code");
      const second = await attempt.post("/staff/security-code", { code: oldFactor });
      expect(second.status).toBe(400);
      expect((await attempt.get("/staff")).status).toBe(302);
    }
    settled.secret = again.secret;
    // Both practices are still theirs.
    const after = await signIn(email, newPassword, again.secret);
    expect(await choosable(after)).toEqual([B.ods, A.ods].sort());
    expect(await passwordWorks(email, PASSWORD)).toBe(false);
    // The reset link was used once.
    expect(await (await new StaffClient(app.baseUrl).get(linkIn(mail))).text()).toContain("This set-up link has expired or been used");
  }, 120_000);

  it("a manager cannot reset someone of another practice, someone only invited, or themselves", async () => {
    const clinicianId = await idOf(demoClinician.email);
    const hashOf = async (id: string) => (await admin<{ h: string }[]>`select password_hash as h from staff_users where id = ${id}`)[0]!.h;
    const hashBefore = await hashOf(clinicianId);

    const otherPractice = await bManager.post("/staff/team", { intent: "reset-sign-in", staffUserId: clinicianId, confirm: "yes" });
    expect(otherPractice.status).toBe(400);
    expect(await otherPractice.text()).toContain("That person does not work for this practice.");

    // Invited to B, not accepted: B still has no hold on their account.
    await invite(bManager, demoClinician.email, "clinician");
    const onlyInvited = await bManager.post("/staff/team", { intent: "reset-sign-in", staffUserId: clinicianId, confirm: "yes" });
    expect(onlyInvited.status).toBe(400);
    expect(await onlyInvited.text()).toContain("has not accepted their invitation yet");
    // Nor can B end their sessions by changing the role of, or disabling, the invitation.
    const clinician = await signIn(demoClinician.email, DEMO_PASSWORD, demoClinician.totpSecret);
    expect((await bManager.post("/staff/team", { intent: "change-role", staffUserId: clinicianId, role: "manager" })).status).toBe(200);
    expect((await bManager.post("/staff/team", { intent: "disable", staffUserId: clinicianId })).status).toBe(200);
    expect((await clinician.get("/staff")).status).toBe(200);
    expect(await hashOf(clinicianId)).toBe(hashBefore);

    const self = await aManager.post("/staff/team", { intent: "reset-sign-in", staffUserId: await idOf(demoManager.email), confirm: "yes" });
    expect(self.status).toBe(400);
    expect(await self.text()).toContain("You cannot reset your own sign-in.");
    expect(await passwordWorks(demoManager.email, DEMO_PASSWORD)).toBe(true);
    const [resets] = await admin<{ n: number }[]>`select count(*)::int as n from audit_events where action = 'staff.sign-in-reset'`;
    expect(resets!.n).toBe(1);
  });

  it("tells the manager plainly when the invitation could not be emailed, and a second invitation sends a fresh link", async () => {
    sink.reply({ recipient: "bounce@example.nhs.uk", stage: "RCPT", code: 550, times: 1 });
    const failed = await invite(bManager, "bounce@example.nhs.uk", "reception");
    expect(failed.status).toBe(200);
    expect(failed.message).toBe("We could not email the invitation to bounce@example.nhs.uk. The invitation stands: invite them again to send a new link.");
    expect(teamRow(failed.html, "bounce@example.nhs.uk")).toContain(">Invited<");
    const resent = await invite(bManager, "bounce@example.nhs.uk", "reception");
    expect(resent.message).toBe("We have emailed an invitation to bounce@example.nhs.uk. It is valid for 7 days.");
    const third = await invite(bManager, "bounce@example.nhs.uk", "reception");
    expect(third.status).toBe(200);
    const [first, second] = [await nthMailTo("bounce@example.nhs.uk", 1), await nthMailTo("bounce@example.nhs.uk", 2)];
    // Only the newest link works.
    expect(await (await new StaffClient(app.baseUrl).get(linkIn(first))).text()).toContain("This set-up link has expired or been used");
    expect(await (await new StaffClient(app.baseUrl).get(linkIn(second))).text()).toContain("Choose your password");

    // A withdrawn invitation's link stops working, and the person leaves the list.
    const withdrawn = await bManager.post("/staff/team", { intent: "withdraw", staffUserId: await idOf("bounce@example.nhs.uk") });
    expect(withdrawn.status).toBe(200);
    const after = await withdrawn.text();
    expect(after).toContain("The invitation to bounce@example.nhs.uk has been withdrawn.");
    expect(teamRow(after, "bounce@example.nhs.uk")).toBe("");
    expect(await (await new StaffClient(app.baseUrl).get(linkIn(second))).text()).toContain("This set-up link has expired or been used");
  });
});
