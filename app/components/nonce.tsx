import { createContext, useContext } from "react";

// The per-response CSP nonce, so Remix's own scripts run under a CSP that
// allows no other inline script. Empty in the browser, which hides nonces.
const NonceContext = createContext("");

export const NonceProvider = NonceContext.Provider;

export function useNonce(): string {
  return useContext(NonceContext);
}
