import { currentTotpCode } from "../../app/auth/totp.server";

/** A tiny browser stand-in: keeps the session cookie, sends same-origin headers. */
export class StaffClient {
  cookie = "";
  constructor(readonly baseUrl: string) {}

  async get(path: string): Promise<Response> {
    return this.remember(await fetch(this.baseUrl + path, { headers: { cookie: this.cookie }, redirect: "manual" }));
  }

  async post(path: string, fields: Record<string, string>, headers: Record<string, string> = { origin: this.baseUrl }): Promise<Response> {
    return this.remember(
      await fetch(this.baseUrl + path, {
        method: "POST",
        body: new URLSearchParams(fields),
        headers: { cookie: this.cookie, "content-type": "application/x-www-form-urlencoded", ...headers },
        redirect: "manual",
      }),
    );
  }

  private remember(response: Response): Response {
    const setCookie = response.headers.get("set-cookie");
    if (setCookie) {
      const [pair] = setCookie.split(";");
      this.cookie = pair!.endsWith("=") ? "" : pair!;
    }
    return response;
  }

  /** Signs in with a password and the current code of a TOTP secret. */
  async signIn(email: string, password: string, totpSecret: string): Promise<void> {
    const first = await this.post("/staff/sign-in", { email, password });
    if (first.headers.get("location") !== "/staff/security-code") throw new Error(`password step: ${first.status}`);
    const second = await this.post("/staff/security-code", { code: currentTotpCode(totpSecret, new Date()) });
    if (second.status !== 302 || second.headers.get("location") !== "/staff") throw new Error(`code step: ${second.status}`);
  }
}
