import { afterEach, beforeEach, vi } from "vitest";

// House rule: an unexpected console.error fails the test. A test that expects
// one replaces the spy with its own (vi.spyOn(console, "error")...).
let spy: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  spy = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    throw new Error(`console.error was called: ${args.map(String).join(" ")}`);
  });
});

afterEach(() => {
  spy.mockRestore();
});
