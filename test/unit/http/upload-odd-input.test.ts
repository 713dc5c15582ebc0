import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { receiveFileUpload, receiveSmallTextUpload } from "../../../app/http/upload.server";

// Odd but real file names upload as they are; broken bodies are the sender's
// problem (a 400 on the page), never an error. The names need the parser patch
// in patches/@web3-storage+multipart-parser+1.0.0.patch.

describe("receiveFileUpload with odd input", () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(path.join(os.tmpdir(), "portal-upload-"));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  const raw = (body: string, contentType = "multipart/form-data; boundary=b0undary") =>
    new Request("http://localhost/staff/import", { method: "POST", body, headers: { "content-type": contentType } });
  const receive = (request: Request) => receiveFileUpload(request, { field: "patientList", directory, maxBytes: 1024 });
  const part = (disposition: string, content: string) => `--b0undary\r\nContent-Disposition: form-data; ${disposition}\r\n\r\n${content}\r\n`;

  it.each(["list;v=2.csv", "a=b.csv", 'my "best" list.csv', "Siân's list; final = yes.csv"])("keeps the name %s as the browser sent it", async (name) => {
    const form = new FormData();
    form.append("patientList", new File(["a,b\r\n"], name));
    const received = await receive(new Request("http://localhost/staff/import", { method: "POST", body: form }));
    expect(received).toMatchObject({ ok: true, file: { fileName: name, size: 5 } });
  });

  it.each([
    ["a name with an unmatched quote", part('name="patientList"; filename="bad.csv', "a,b") + "--b0undary--\r\n"],
    ["a part with no name", part('filename="x.csv"', "a,b") + "--b0undary--\r\n"],
    ["a body cut short", part('name="patientList"; filename="x.csv"', "a,b\r\nc,d").slice(0, -4)],
    ["a body that never closes", part('name="patientList"; filename="x.csv"', "a,b")],
  ])("says %s is not a form it can read, and leaves nothing on disk", async (_, body) => {
    expect(await receive(raw(body))).toEqual({ ok: false, problem: "not-multipart" });
    expect(readdirSync(directory)).toEqual([]);
  });

  it("says so when there is no boundary at all, and finds no file behind another boundary", async () => {
    expect(await receive(raw("anything", "multipart/form-data"))).toEqual({ ok: false, problem: "not-multipart" });
    const other = part('name="patientList"; filename="x.csv"', "a,b").replaceAll("b0undary", "other");
    expect(await receive(raw(other))).toMatchObject({ ok: true, file: null });
  });

  it("reads and drops a file in another field, and limits the text fields together", async () => {
    const big = "x".repeat(200 * 1024);
    const dropped = await receive(raw(part('name="other"; filename="big.csv"', big) + part('name="format"', "emis") + "--b0undary--\r\n"));
    expect(dropped).toMatchObject({ ok: true, file: null });
    if (dropped.ok) expect(Object.fromEntries(dropped.fields)).toEqual({ format: "emis" });
    const many = Array.from({ length: 3 }, (_, i) => part(`name="f${i}"`, "y".repeat(30 * 1024))).join("") + "--b0undary--\r\n";
    expect(await receive(raw(many))).toEqual({ ok: false, problem: "too-large" });
  });
});

describe("receiveSmallTextUpload with odd input", () => {
  it("says a broken body is not a form, and reads a file named with ; and =", async () => {
    const broken = new Request("http://localhost/x", { method: "POST", body: "--b\r\nContent-Disposition: form-data; name=\"registrationFile\"; filename=\"x", headers: { "content-type": "multipart/form-data; boundary=b" } });
    expect(await receiveSmallTextUpload(broken, { field: "registrationFile", maxBytes: 1024 })).toEqual({ ok: false, problem: "not-multipart" });
    const form = new FormData();
    form.append("registrationFile", new File(["nhs,key\r\n"], "keys;batch=2.csv"));
    const received = await receiveSmallTextUpload(new Request("http://localhost/x", { method: "POST", body: form }), { field: "registrationFile", maxBytes: 1024 });
    expect(received).toEqual({ ok: true, fields: expect.any(FormData), text: "nhs,key\r\n" });
  });
});
