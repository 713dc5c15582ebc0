import nodemailer, { type Transporter } from "nodemailer";

/**
 * nodemailer's pooled SMTP transport: a few long-lived connections, so a
 * campaign does not open one per message, and an optional rate limit.
 */
export function createMailTransport(smtpUrl: string, options: { rateLimit: number; maxConnections?: number }): Transporter {
  const url = new URL(smtpUrl);
  return nodemailer.createTransport({
    pool: true,
    host: url.hostname,
    port: Number(url.port || (url.protocol === "smtps:" ? 465 : 587)),
    secure: url.protocol === "smtps:",
    // A relay on localhost (the development catcher) needs no TLS; anything
    // else must upgrade the connection before a patient's address crosses it.
    requireTLS: url.protocol === "smtp:" && !["127.0.0.1", "localhost", "::1"].includes(url.hostname),
    ignoreTLS: ["127.0.0.1", "localhost", "::1"].includes(url.hostname) && url.protocol === "smtp:",
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    maxConnections: options.maxConnections ?? 5,
    maxMessages: Infinity,
    ...(options.rateLimit > 0 ? { rateDelta: 1000, rateLimit: options.rateLimit } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
}
