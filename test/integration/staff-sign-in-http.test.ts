import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { currentTotpCode } from "../../app/auth/totp.server";
import { staffContent } from "../../app/content/staff";
import { ACCOUNT_LOCK_AFTER } from "../../app/domain/sign-in-throttle";
import { DEMO_PASSWORD, DEMO_PRACTICE, DEMO_STAFF } from "../../app/services/demo-practice.server";
import { startAppUnderTest, type AppUnderTest } from "../helpers/app-under-test";
import { runCli } from "../helpers/run-command";
import { StaffClient } from "../helpers/staff-http";

// Sign-in tried as an attacker would, over HTTP against the running server
// (issue 17): the second factor cannot be skipped, a burst of guesses gets
// no more checks than the limit, waiting out a lock stalls nobody else, and
// changing a factor needs both factors again.

const PASSWORD = "copper meadow lantern ninety";
const demo = (role: "manager" | "reception" | "clinician") => DEMO_STAFF.find((p) => p.role === role)!;
const seconds = (n: number) => new Date(Date.now() + n * 1000);

let forged = 0;
/** A client that comes from an address of its own (the test server trusts one proxy), so per-address limits do not carry over. */
class Client extends StaffClient {
  readonly address = `198.51.100.${++forged}`;
  override post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return super.post(path, fields, { origin: this.baseUrl, "x-forwarded-for": this.address, ...headers });
  }
}

const answerOf = async (response: Response): Promise<"signed-in" | "next-step" | "invalid" | "locked" | string> => {
  if (response.status === 302) return response.headers.get("location") === "/staff" ? "signed-in" : "next-step";
  const html = await response.text();
  if (html.includes(staffContent.signIn.locked)) return "locked";
  if (html.includes(staffContent.signIn.invalid) || html.includes(staffContent.code.invalid)) return "invalid";
  return `${response.status}`;
};

describe("staff sign-in over HTTP, as an attacker would try it", () => {
  let app: AppUnderTest;
  let admin: postgres.Sql;

  beforeAll(async () => {
    app = await startAppUnderTest({ env: { TRUST_PROXY: "1" } });
    admin = postgres(app.databaseUrl, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await admin?.end();
    await app?.stop();
  });

  /** Someone new, from `staff add` through their set-up link and authenticator, signed in. */
  async function enrolNewPerson(email: string): Promise<{ client: Client; secret: string }> {
    const added = await runCli(["staff", "add", "--practice", DEMO_PRACTICE.odsCode, "--email", email, "--name", "Test Person", "--role", "reception", "--json"], {
      DATABASE_URL: app.databaseUrl,
    });
    const setupLink = (JSON.parse(added.stdout) as { setupLink: string }).setupLink;
    const client = new Client(app.baseUrl);
    const setUp = await client.post(new URL(setupLink).pathname, { password: PASSWORD, confirmPassword: PASSWORD });
    expect(setUp.headers.get("location")).toBe("/staff/enrol");
    const secret = /data-testid="totp-secret">([A-Z2-7 ]+)</.exec(await (await client.get("/staff/enrol")).text())![1]!.replace(/ /g, "");
    expect((await client.post("/staff/enrol", { intent: "confirm", code: currentTotpCode(secret, new Date()) })).status).toBe(200);
    expect(await answerOf(await client.post("/staff/enrol", { intent: "finish" }))).toBe("signed-in");
    return { client, secret };
  }

  const signedInEvents = async (email: string) =>
    (
      await admin`select count(*)::int as n from audit_events e join staff_users u on u.id = e.actor_id
                  where lower(u.email) = lower(${email}) and e.action = 'staff.signed-in'`
    )[0]!.n as number;

  const failedSignIns = async (email: string, step: "password" | "second-factor") =>
    (
      await admin`select count(*)::int as n from audit_events e join staff_users u on u.id = e.actor_id
                  where lower(u.email) = lower(${email}) and e.action = 'staff.sign-in-failed' and e.summary->>'step' = ${step}`
    )[0]!.n as number;

  it("never turns a password alone into a session, whatever step the attacker posts to", async () => {
    const { email } = demo("reception");
    const attacker = new Client(app.baseUrl);
    expect((await attacker.post("/staff/sign-in", { email, password: DEMO_PASSWORD })).headers.get("location")).toBe("/staff/security-code");
    const halfWay = attacker.cookie;

    // The enrolment page's last step, for someone who enrolled long ago.
    const finish = await attacker.post("/staff/enrol", { intent: "finish" });
    expect(finish.headers.get("location")).not.toBe("/staff");
    // Its first step cannot enrol a second authenticator either.
    attacker.cookie = halfWay;
    expect((await attacker.post("/staff/enrol", { intent: "confirm", code: "123456" })).headers.get("location")).toMatch(/^\/staff\/(sign-in|security-code)/);
    attacker.cookie = halfWay;
    expect((await attacker.get("/staff/enrol")).headers.get("location")).toBe("/staff/security-code");
    attacker.cookie = halfWay;
    expect((await attacker.get("/staff")).headers.get("location")).toMatch(/^\/staff\/sign-in/);
    expect(await signedInEvents(email)).toBe(0);

    // With the code as well, the same half-way sign-in succeeds.
    attacker.cookie = halfWay;
    expect(await answerOf(await attacker.post("/staff/security-code", { code: currentTotpCode(demo("reception").totpSecret, new Date()) }))).toBe("signed-in");
    expect((await attacker.get("/staff")).status).toBe(200);
  });

  it("checks no more passwords than the limit in a burst of simultaneous guesses, and then refuses the right one", async () => {
    const email = "burst.password@riverside.example";
    await enrolNewPerson(email);
    const burst = await Promise.all(
      Array.from({ length: 20 }, () => new Client(app.baseUrl).post("/staff/sign-in", { email, password: "a wrong guess at it" }).then(answerOf)),
    );
    // Only guesses actually checked can be "invalid"; the one that reaches the limit answers "locked".
    expect(burst.filter((a) => a === "invalid").length).toBeLessThanOrEqual(ACCOUNT_LOCK_AFTER - 1);
    expect(burst.filter((a) => a === "locked").length).toBeGreaterThanOrEqual(20 - ACCOUNT_LOCK_AFTER + 1);
    expect(await failedSignIns(email, "password")).toBeLessThanOrEqual(ACCOUNT_LOCK_AFTER);
    expect(await answerOf(await new Client(app.baseUrl).post("/staff/sign-in", { email, password: PASSWORD }))).toBe("locked");
  });

  it("checks no more authenticator codes than the limit in a burst, and ends the half-way sign-in", async () => {
    const { email, totpSecret } = demo("manager");
    const attacker = new Client(app.baseUrl);
    await attacker.post("/staff/sign-in", { email, password: DEMO_PASSWORD });
    const halfWay = attacker.cookie;
    const guesses = Array.from({ length: 20 }, (_, i) => String(100000 + i * 7919).slice(0, 6));
    const burst = await Promise.all(
      guesses.map((code) => {
        const guesser = new Client(app.baseUrl);
        guesser.cookie = halfWay;
        return guesser.post("/staff/security-code", { code }).then(answerOf);
      }),
    );
    expect(burst.filter((a) => a === "invalid").length).toBeLessThanOrEqual(ACCOUNT_LOCK_AFTER - 1);
    expect(burst).not.toContain("signed-in");
    // Every code checked and found wrong is audited: no more than the limit were checked.
    expect(await failedSignIns(email, "second-factor")).toBeLessThanOrEqual(ACCOUNT_LOCK_AFTER);
    attacker.cookie = halfWay;
    const right = await attacker.post("/staff/security-code", { code: currentTotpCode(totpSecret, seconds(30)) });
    expect(right.headers.get("location")).toMatch(/^\/staff\/sign-in/);
  });

  it("shows each half-way sign-in its own authenticator secret, so a password alone cannot learn the one its person sets up", async () => {
    const email = "new.starter@riverside.example";
    const added = await runCli(["staff", "add", "--practice", DEMO_PRACTICE.odsCode, "--email", email, "--name", "New Starter", "--role", "reception", "--json"], {
      DATABASE_URL: app.databaseUrl,
    });
    const person = new Client(app.baseUrl);
    await person.post(new URL((JSON.parse(added.stdout) as { setupLink: string }).setupLink).pathname, { password: PASSWORD, confirmPassword: PASSWORD });
    const secretOn = async (client: Client) => /data-testid="totp-secret">([A-Z2-7 ]+)</.exec(await (await client.get("/staff/enrol")).text())![1]!.replace(/ /g, "");

    // Someone who has the password signs in first and notes the secret shown to them.
    const attacker = new Client(app.baseUrl);
    expect((await attacker.post("/staff/sign-in", { email, password: PASSWORD })).headers.get("location")).toBe("/staff/enrol");
    const attackersSecret = await secretOn(attacker);
    const attackerHalfWay = attacker.cookie;
    const personsSecret = await secretOn(person);
    expect(personsSecret).not.toBe(attackersSecret);

    expect((await person.post("/staff/enrol", { intent: "confirm", code: currentTotpCode(personsSecret, new Date()) })).status).toBe(200);
    expect(await answerOf(await person.post("/staff/enrol", { intent: "finish" }))).toBe("signed-in");
    // The attacker's secret is worth nothing: not to enrol, not to sign in.
    attacker.cookie = attackerHalfWay;
    expect((await attacker.post("/staff/enrol", { intent: "confirm", code: currentTotpCode(attackersSecret, new Date()) })).headers.get("location")).toMatch(/^\/staff\/(sign-in|security-code)/);
    const again = new Client(app.baseUrl);
    await again.post("/staff/sign-in", { email, password: PASSWORD });
    expect(await answerOf(await again.post("/staff/security-code", { code: currentTotpCode(attackersSecret, seconds(30)) }))).toBe("invalid");
  });

  it("answers pages and health checks while 30 sign-ins for a locked address wait out their delay", async () => {
    const email = "made.up.person@riverside.example";
    const client = new Client(app.baseUrl);
    for (let i = 0; i < ACCOUNT_LOCK_AFTER; i++) await client.post("/staff/sign-in", { email, password: `guess ${i}` });

    const finished: string[] = [];
    const signIns = Array.from({ length: 30 }, () =>
      new Client(app.baseUrl).post("/staff/sign-in", { email, password: "another guess" }).then(async (r) => {
        finished.push("sign-in");
        return answerOf(r);
      }),
    );
    // Each locked attempt is slowed by seconds; meanwhile nobody else may wait for them.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const health = await fetch(`${app.baseUrl}/healthz`);
    finished.push("healthz");
    const home = await fetch(`${app.baseUrl}/`);
    finished.push("home page");
    expect([health.status, home.status]).toEqual([200, 200]);
    expect(await Promise.all(signIns)).toEqual(Array(30).fill("locked"));
    expect(finished.slice(0, 2)).toEqual(["healthz", "home page"]);
  });

  it("asks for the password and a code again before changing either, and locks out a stolen session that guesses", async () => {
    const { client, secret } = await enrolNewPerson("account.page@riverside.example");
    // A session alone no longer makes new recovery codes.
    const bare = await client.post("/staff/account", { intent: "recovery-codes" });
    expect(bare.status).toBe(400);
    expect(await bare.text()).not.toMatch(/Your new recovery codes/);
    const proper = await client.post("/staff/account", { intent: "recovery-codes", recoveryPassword: PASSWORD, recoveryCode: currentTotpCode(secret, seconds(30)) });
    expect(await proper.text()).toContain("Your new recovery codes are below");

    // Guesses at the current password are limited like sign-in: the session ends and the account locks.
    const answers: Response[] = [];
    for (let i = 0; i < ACCOUNT_LOCK_AFTER; i++) {
      const newPassword = "granite orchard seventy kettle";
      answers.push(await client.post("/staff/account", { intent: "password", currentPassword: `guess ${i}`, code: "000000", newPassword, confirmPassword: newPassword }));
    }
    expect(answers.slice(0, ACCOUNT_LOCK_AFTER - 1).map((r) => r.status)).toEqual(Array(ACCOUNT_LOCK_AFTER - 1).fill(400));
    // Signed out, and told why.
    const signedOut = answers.at(-1)!.headers.get("location")!;
    expect(signedOut).toBe("/staff/sign-in?locked");
    expect(await (await new Client(app.baseUrl).get(signedOut)).text()).toContain(staffContent.signIn.lockedSignedOut);
    expect((await client.get("/staff/account")).headers.get("location")).toMatch(/^\/staff\/sign-in/);
    expect(await answerOf(await new Client(app.baseUrl).post("/staff/sign-in", { email: "account.page@riverside.example", password: PASSWORD }))).toBe("locked");
  });
});
