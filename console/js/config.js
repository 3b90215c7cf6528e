// Where the console runs: the API base, the token issuer and the sign-in kind, from /config.json
// (locally the gateway answers it; deployed, CloudFront answers it from the stack's parameters).
let loaded = null;

export async function loadConfig() {
  const resp = await fetch("config.json", { cache: "no-store" });
  if (!resp.ok) throw new Error(`config.json: HTTP ${resp.status}`);
  loaded = await resp.json();
  return loaded;
}

export function config() {
  if (!loaded) throw new Error("config not loaded");
  return loaded;
}
