import { randomBytes } from "node:crypto";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import helmet from "helmet";
import type { ViteDevServer } from "vite";
import { isAllowedOrigin } from "../app/auth/same-origin";
import { getEnv } from "../app/env.server";
import { refuseOddBodies } from "../app/http/body-limits.server";
import { checkDatabaseHealth } from "../app/services/health.server";

export interface AppOptions {
  production: boolean;
  /** In development, Vite serves and rebuilds the app on every request. */
  vite?: ViteDevServer;
  build?: ServerBuild;
  /** Proxies in front whose X-Forwarded-* headers are believed; TRUST_PROXY unless given. */
  trustProxy?: number;
}

/** Headers a proxy adds about the client; from anyone else they are the client's own claims. */
const FORWARDED_HEADERS = ["forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port"];

export function createApp(options: AppOptions): express.Express {
  const app = express();
  app.disable("x-powered-by");
  // The client's address (per-address limits on sign-in and the public form),
  // scheme and host come from X-Forwarded-* only when a proxy we were told of
  // put them there; with none in front, anyone could write them.
  const trustProxy = options.trustProxy ?? getEnv().trustProxy;
  app.set("trust proxy", trustProxy);
  if (trustProxy === 0) {
    // Express ignores them now; removed too, so nothing after it can read
    // them (Remix's adapter takes its port from X-Forwarded-Host regardless).
    app.use((req, _res, next) => {
      for (const name of FORWARDED_HEADERS) delete req.headers[name];
      next();
    });
  }

  app.use((_req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString("base64");
    next();
  });
  const sharedHeaders = {
    strictTransportSecurity: false,
    // "no-referrer" would make browsers send "Origin: null" with a form
    // posted without JavaScript, which Remix refuses; other sites still get nothing.
    referrerPolicy: { policy: "same-origin" },
    crossOriginEmbedderPolicy: false,
  } as const;
  const pageHeaders = helmet({
    contentSecurityPolicy: options.vite
      ? false // Vite's dev client injects inline scripts.
      : {
          useDefaults: true,
          directives: {
            "script-src": ["'self'", (_req, res) => `'nonce-${(res as express.Response).locals.cspNonce}'`],
            "style-src": ["'self'"],
            "img-src": ["'self'", "data:"],
            // NHS.UK's Frutiger webfont; pages fall back to Arial without it.
            "font-src": ["'self'", "https://assets.nhs.uk"],
            "frame-ancestors": ["'none'"],
            "form-action": ["'self'"],
            // HSTS (below) upgrades requests where TLS is in use; forcing it
            // here would break a plain-HTTP trial on localhost.
            "upgrade-insecure-requests": null,
          },
        },
    ...sharedHeaders,
  });
  // Email previews (/staff/campaigns/…/email.html, /staff/mail/…/email.html)
  // are shown to staff in a sandboxed frame on the portal's own pages. Email
  // html carries its styles inline, so these paths alone allow inline styles;
  // nothing may run or load, and only the portal may frame them. The headers
  // must be chosen here: Remix appends a route's headers to these rather than
  // replacing them, and two CSPs would both apply.
  const emailPreviewHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        "default-src": ["'none'"],
        "style-src": ["'unsafe-inline'"],
        "img-src": ["data:"],
        "frame-ancestors": ["'self'"],
        sandbox: [],
      },
    },
    xFrameOptions: { action: "sameorigin" },
    ...sharedHeaders,
  });
  app.use((req, res, next) => (req.path.endsWith("/email.html") ? emailPreviewHeaders : pageHeaders)(req, res, next));
  if (options.production) {
    app.use((req, res, next) => {
      // Only over TLS (directly, or via a trusted proxy's X-Forwarded-Proto), as RFC 6797 asks.
      if (req.secure) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
      next();
    });
  }

  // Bodies too large, of no stated length, or not a form: refused before anything reads them.
  app.use(refuseOddBodies);

  // Cross-site requests never change anything (docs/decisions/0004).
  app.use((req, res, next) => {
    const allowed = isAllowedOrigin({
      method: req.method,
      // A trusted proxy's X-Forwarded-Host (the first, as Express reads it);
      // with none trusted it was removed above.
      host: req.get("x-forwarded-host")?.split(",")[0]?.trim() || req.get("host"),
      protocol: req.protocol,
      origin: req.get("origin"),
      secFetchSite: req.get("sec-fetch-site"),
    });
    if (allowed) return next();
    res.status(403).type("text/plain").send("This form must be sent from the portal's own pages.");
  });

  if (options.vite) {
    app.use(options.vite.middlewares);
  } else {
    // Fingerprinted by Vite, so they can be cached for good.
    app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
    app.use(express.static("build/client", { maxAge: "1h" }));
  }

  // Everything else is made for one request, and staff pages, the patient's
  // own steps (/r/…, check your answers) and downloads show patient data:
  // no cache may keep any of it. Static files above keep their own caching.
  // Set as the headers go out, so it is the only Cache-Control: Remix adds a
  // route's headers to these rather than replacing them.
  app.use((_req, res, next) => {
    const writeHead = res.writeHead;
    res.writeHead = function (this: typeof res, ...args: Parameters<typeof writeHead>) {
      this.setHeader("Cache-Control", "no-store");
      return writeHead.apply(this, args);
    } as typeof writeHead;
    next();
  });

  app.get("/healthz", async (_req, res) => {
    const healthy = await checkDatabaseHealth();
    res.status(healthy ? 200 : 503).json({ status: healthy ? "ok" : "database unavailable" });
  });

  const vite = options.vite;
  app.all(
    "*",
    createRequestHandler({
      build: vite
        ? () => vite.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>
        : options.build!,
      mode: options.production ? "production" : "development",
      getLoadContext: (req, res) => ({
        cspNonce: res.locals.cspNonce as string,
        clientAddress: req.ip ?? "unknown",
      }),
    }),
  );
  return app;
}
