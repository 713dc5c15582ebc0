import { readdirSync, readFileSync } from "node:fs";

// The app's routes, read from the route files themselves, so a sweep over
// them covers a new route without anyone remembering to add it.

export interface RouteFile {
  file: string;
  /** The URL path with each `$param` as `:param`, e.g. "/staff/requests/:id". */
  pattern: string;
  params: string[];
  hasLoader: boolean;
  hasAction: boolean;
  /** Query-string names the route reads: `searchParams.get("…")`, or the keys of the schema it parses the whole query with. */
  queryNames: string[];
}

export function routeFiles(): RouteFile[] {
  return readdirSync("app/routes")
    .filter((file) => /\.tsx?$/.test(file))
    .map((file) => {
      const source = readFileSync(`app/routes/${file}`, "utf8");
      // Remix flat routes: dots separate segments, except inside [ ] (".pdf" in "letters[.pdf]").
      const segments = file
        .replace(/\.tsx?$/, "")
        .split(/\.(?![^[]*\])/)
        .filter((s) => s !== "_index" && !s.startsWith("_"))
        .map((s) => (s.startsWith("$") ? `:${s.slice(1)}` : s.replace(/_$/, "").replace(/\[([^\]]*)\]/g, "$1")));
      return {
        file,
        pattern: `/${segments.join("/")}`,
        params: segments.filter((s) => s.startsWith(":")).map((s) => s.slice(1)),
        hasLoader: /export (async function|const) loader\b/.test(source),
        hasAction: /export (async function|const) action\b/.test(source),
        queryNames: queryNamesOf(source),
      };
    });
}

/** The path with each parameter filled in. */
export function pathOf(route: RouteFile, values: Record<string, string>): string {
  return route.pattern.replace(/:(\w+)/g, (_, name: string) => values[name] ?? "some-id");
}

function queryNamesOf(source: string): string[] {
  const names = new Set([...source.matchAll(/searchParams\.get\("(\w+)"\)/g)].map((m) => m[1]!));
  // A route that parses the whole query (Object.fromEntries(...searchParams)) with a zod object.
  if (/fromEntries\(.*searchParams\)/.test(source)) {
    for (const m of source.matchAll(/^\s+(\w+): z\./gm)) names.add(m[1]!);
  }
  return [...names];
}
