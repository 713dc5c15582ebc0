import { readFileSync } from "node:fs";
import type postgres from "postgres";
import { expect } from "vitest";
import { pathOf, routeFiles, type RouteFile } from "./route-files";

// Issue 17, finding 6: a link on another website opens a staff page with the
// session cookie (SameSite=Lax). The staff pages that write an audit event when
// opened are found here, not listed: every staff page the route files declare is
// opened from the portal itself, bare and with each query-string name it reads
// set to a patient's identifiers, while the audit trail is watched. Each is then
// opened as a link from another site would open it: nothing may be written, and
// a page that audits answers with one link on to itself.

export interface SweepOptions {
  baseUrl: string;
  /** The database owner's connection: reads the whole audit trail, whatever the practice. */
  admin: postgres.Sql;
  /** A signed-in staff member's session cookie; their role decides which pages open. */
  cookie: string;
  /** Route parameters with real values (the id of a request the staff member may see). */
  params: Record<string, string>;
}

export async function crossSiteAuditSweep(options: SweepOptions): Promise<{ writers: string[]; everyUrl: string[] }> {
  const { admin, baseUrl, cookie } = options;
  const [patient] = await admin<{ id: string; nhs_number: string }[]>`select id, nhs_number from patients order by nhs_number limit 1`;
  const [request] = await admin<{ reference: string }[]>`select reference from requests order by received_at limit 1`;
  const identifiers = [patient!.nhs_number, request?.reference ?? "RQ-AAAA-AAAA", patient!.id];

  const everyUrl = routeFiles()
    .filter((route) => route.hasLoader && route.pattern.startsWith("/staff"))
    .flatMap((route) => {
      const path = pathOf(route, { n: "1", ...options.params });
      const names = queryNamesRead(route);
      const queries = names.length === 0 ? [] : identifiers.map((value) => `?${new URLSearchParams(names.map((name) => [name, value]))}`);
      return [path, ...queries.map((query) => path + query)];
    });

  const open = (url: string, site: string) =>
    fetch(baseUrl + url, {
      headers: { cookie, "sec-fetch-site": site, "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" },
      redirect: "manual",
    });
  // A refusal ("access.denied") is not the page's own doing: a page a role may not open.
  const events = async (refusalsToo: boolean) =>
    (await admin<{ n: number }[]>`select count(*)::int as n from audit_events where ${refusalsToo} or action <> 'access.denied'`)[0]!.n;

  const writers: string[] = [];
  for (const url of everyUrl) {
    const before = await events(false);
    await (await open(url, "same-origin")).arrayBuffer();
    if ((await events(false)) > before) writers.push(url);
  }

  for (const url of everyUrl) {
    for (const site of writers.includes(url) ? ["cross-site", "same-site"] : ["cross-site"]) {
      const before = await events(true);
      const response = await open(url, site);
      await response.arrayBuffer();
      expect(await events(true), `${site} GET ${url} wrote to the audit trail`).toBe(before);
      if (!writers.includes(url)) continue;
      expect(response.status, `${site} GET ${url}`).toBe(302);
      const continueAt = response.headers.get("location")!;
      expect(continueAt).toBe(`/staff/continue?to=${encodeURIComponent(url)}`);
      const page = await open(continueAt, site);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain("You followed a link from another website.");
      expect(html).toContain(`href="${url.replace(/&/g, "&amp;")}"`);
      expect(await events(true)).toBe(before);
    }
  }
  return { writers, everyUrl };
}

/** Names a route's loader reads from the query string: route-files' list, and any `.get("…")` in the loader. */
function queryNamesRead(route: RouteFile): string[] {
  const source = readFileSync(`app/routes/${route.file}`, "utf8");
  const loader = /export (async )?function loader[\s\S]*?\n}\n/.exec(source)?.[0] ?? "";
  return [...new Set([...route.queryNames, ...[...loader.matchAll(/\.get\("(\w+)"\)/g)].map((m) => m[1]!)])];
}
