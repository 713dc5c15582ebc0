import type { Socket } from "node:net";
import { SMTPServer, type SMTPServerSession } from "smtp-server";

// A real SMTP server (smtp-server) on 127.0.0.1 for tests that send mail: it
// keeps what it accepted, and can misbehave on purpose the ways a relay does
// (refuse a recipient, ask to try later, vanish, drop a connection mid-DATA).

export interface ReceivedMail {
  /** The Message-ID header as sent, with its angle brackets. */
  messageId: string | null;
  /** Envelope recipients (RCPT TO), lower-cased. */
  to: string[];
  from: string | null;
  /** The whole message as it crossed the wire. */
  source: string;
}

export interface ReplyRule {
  recipient: string;
  /** The command that gets the reply: RCPT TO, or the end of DATA. */
  stage: "RCPT" | "DATA";
  code: number;
  message?: string;
  /** Only this many times, then the recipient is treated normally; forever when omitted. */
  times?: number;
}

export interface SmtpSink {
  readonly port: number;
  /** smtp://127.0.0.1:PORT, as SMTP_URL. */
  readonly url: string;
  readonly received: readonly ReceivedMail[];
  readonly listening: boolean;
  /** Answers this recipient's RCPT or DATA with the rule's code. */
  reply(rule: ReplyRule): void;
  /** How many times a rule has answered a recipient so far. */
  repliesTo(recipient: string): number;
  /** Destroys every connection that reaches DATA until `until` (a time, ms since the epoch). */
  dropDuringDataUntil(until: number): void;
  /** How many connections were dropped mid-DATA. */
  readonly dropped: number;
  /** Resolves once at least `count` messages have been accepted. */
  waitForAccepted(count: number, timeoutMs?: number): Promise<void>;
  /** Messages accepted per envelope recipient. */
  byRecipient(): Map<string, ReceivedMail[]>;
  /** Forgets what was received, the rules and any dropping. */
  reset(): void;
  /** Vanishes as a crashed relay does: stops listening and cuts every connection. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const rules: (ReplyRule & { used: number })[] = [];
  let dropUntil = 0;
  let dropped = 0;
  const waiters: { count: number; resolve: () => void }[] = [];
  let server: SMTPServer | null = null;
  let port = 0;
  // Raw sockets by client port, so onData can cut its own connection and stop() all of them.
  const sockets = new Map<number, Socket>();

  const ruleFor = (recipients: string[], stage: ReplyRule["stage"]) =>
    rules.find((r) => r.stage === stage && recipients.includes(r.recipient) && (r.times === undefined || r.used < r.times));

  const smtpError = (rule: ReplyRule) =>
    Object.assign(new Error(rule.message ?? `Test sink says ${rule.code} to ${rule.recipient}`), { responseCode: rule.code });

  function accept(mail: ReceivedMail): void {
    received.push(mail);
    for (const waiter of [...waiters]) {
      if (received.length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  function createServer(): SMTPServer {
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      // Many pooled connections at once are normal here.
      maxClients: 100,
      onRcptTo(address, _session, callback) {
        const rule = ruleFor([address.address.toLowerCase()], "RCPT");
        if (!rule) return callback();
        (rule as { used: number }).used += 1;
        callback(smtpError(rule));
      },
      onData(stream, session: SMTPServerSession, callback) {
        if (Date.now() < dropUntil) {
          // Part of the message is on its way; the connection dies under it.
          dropped += 1;
          stream.once("data", () => sockets.get(session.remotePort)?.destroy());
          stream.on("error", () => {});
          stream.resume();
          return;
        }
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("error", () => {});
        stream.on("end", () => {
          const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
          const rule = ruleFor(to, "DATA");
          if (rule) {
            (rule as { used: number }).used += 1;
            return callback(smtpError(rule));
          }
          const source = Buffer.concat(chunks).toString("utf8");
          accept({
            messageId: headerField(source, "message-id"),
            to,
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
            source,
          });
          callback();
        });
      },
    });
    // Cut connections raise errors on the server: expected here.
    smtp.on("error", () => {});
    smtp.server.on("connection", (socket: Socket) => {
      const key = socket.remotePort!;
      sockets.set(key, socket);
      socket.once("close", () => {
        if (sockets.get(key) === socket) sockets.delete(key);
      });
    });
    return smtp;
  }

  async function listen(): Promise<void> {
    const smtp = createServer();
    await new Promise<void>((resolve, reject) => {
      smtp.server.once("error", reject);
      smtp.listen(port, "127.0.0.1", () => {
        smtp.server.off("error", reject);
        resolve();
      });
    });
    port = (smtp.server.address() as { port: number }).port;
    server = smtp;
  }

  async function stop(): Promise<void> {
    const smtp = server;
    if (!smtp) return;
    server = null;
    const closed = new Promise<void>((resolve) => smtp.server.close(() => resolve()));
    for (const socket of sockets.values()) socket.destroy();
    sockets.clear();
    await closed;
  }

  await listen();

  return {
    get port() {
      return port;
    },
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    received,
    get listening() {
      return server !== null;
    },
    get dropped() {
      return dropped;
    },
    reply(rule) {
      rules.push({ ...rule, recipient: rule.recipient.toLowerCase(), used: 0 });
    },
    repliesTo(recipient) {
      return rules.filter((r) => r.recipient === recipient.toLowerCase()).reduce((n, r) => n + r.used, 0);
    },
    dropDuringDataUntil(until) {
      dropUntil = until;
    },
    waitForAccepted(count, timeoutMs = 30_000) {
      if (received.length >= count) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`The SMTP sink accepted ${received.length} messages in ${timeoutMs} ms, not ${count}.`));
        }, timeoutMs);
        const waiter = {
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
        waiters.push(waiter);
      });
    },
    byRecipient() {
      const map = new Map<string, ReceivedMail[]>();
      for (const mail of received) {
        for (const to of mail.to) map.set(to, [...(map.get(to) ?? []), mail]);
      }
      return map;
    },
    reset() {
      received.length = 0;
      rules.length = 0;
      dropUntil = 0;
      dropped = 0;
    },
    stop,
    async start() {
      if (!server) await listen();
    },
    close: stop,
  };
}

/** The first header field of that name, unfolded. */
function headerField(source: string, name: string): string | null {
  const end = source.search(/\r?\n\r?\n/);
  const block = (end === -1 ? source : source.slice(0, end)).replace(/\r?\n[ \t]+/g, " ");
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) return line.slice(colon + 1).trim();
  }
  return null;
}
