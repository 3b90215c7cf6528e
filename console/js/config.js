// Where the console runs: the API base, the token issuer and the sign-in kind, from /config.json
// (locally the gateway answers it; deployed, CloudFront answers it from the stack's parameters).
// The request itself starts in prefetch.js, at load.
import { fetchConfig } from "./prefetch.js";

let loaded = null;

export async function loadConfig() {
  loaded = await fetchConfig();
  return loaded;
}

export function config() {
  if (!loaded) throw new Error("config not loaded");
  return loaded;
}
