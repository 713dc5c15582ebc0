import net from "node:net";

// Requests as an attacker writes them, byte by byte over one connection:
// fetch always sends a whole body and its true length, which is the one
// thing such a request does not do.

export interface RawExchange {
  /** The status the server answered with, or null if it said nothing before `waitMs`. */
  status: number | null;
  /** Everything the server sent back, headers and body. */
  text: string;
  /** Whether the server ended the connection itself (rather than waiting for more of the body). */
  closedByServer: boolean;
  /** From connecting to the end of the answer (the connection closing, or `waitMs`). */
  ms: number;
}

/**
 * Writes `head` (the request line and headers, joined with CRLF and ended by
 * an empty line here) and then `body`, never ending the request; waits up to
 * `waitMs` for the server to answer and close.
 */
export function rawExchange(baseUrl: string, head: string[], body: string | Buffer = "", waitMs = 3_000): Promise<RawExchange> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const started = Date.now();
    let text = "";
    let settled = false;
    const socket = net.connect(Number(port), hostname === "localhost" ? "127.0.0.1" : hostname, () => {
      socket.write(`${head.join("\r\n")}\r\n\r\n`);
      socket.write(body);
    });
    const finish = (closedByServer: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
      resolve({ status: status ? Number(status) : null, text, closedByServer, ms: Date.now() - started });
    };
    socket.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    // A reset after the answer is the server closing too: it stopped reading the body.
    socket.on("error", () => finish(true));
    socket.on("close", () => finish(true));
    const timer = setTimeout(() => finish(false), waitMs);
  });
}
