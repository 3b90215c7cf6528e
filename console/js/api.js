// The JSON API over fetch. Every refusal becomes an ApiError carrying the RFC 9457 problem
// (code, message_ko, errors[] with their field), which the screens show as it is.
import { config } from "./config.js";
import { session, signOut } from "./auth.js";
import { apiUrl, takePrimed } from "./prefetch.js";

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.message_ko || problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.code = problem.code || `HTTP_${status}`;
  }
}

function url(path, query) {
  return apiUrl(config().api_base, path, query);
}

function newKey() {
  return (crypto.randomUUID && crypto.randomUUID()) || `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

async function problemOf(resp) {
  const type = resp.headers.get("content-type") || "";
  if (type.includes("json")) {
    try { return await resp.json(); } catch { /* fall through */ }
  }
  if (resp.status === 401) return { code: "UNAUTHORIZED", message_ko: "로그인이 필요합니다. 다시 로그인해 주세요." };
  if (resp.status === 403) return { code: "FORBIDDEN", message_ko: "이 작업을 할 권한이 없습니다." };
  return { code: `HTTP_${resp.status}`, message_ko: `요청을 처리하지 못했습니다 (HTTP ${resp.status}).` };
}

/**
 * One call. `body` is sent as JSON; writes carry an Idempotency-Key (`idempotencyKey` to reuse one
 * for a retry of the same action). `raw: true` answers the Response (files, HTML).
 */
export async function request(method, path, { query, body, idempotencyKey, raw = false, headers = {} } = {}) {
  const h = { ...headers };
  const s = session();
  if (s) h.authorization = `Bearer ${s.token}`;
  if (body !== undefined) h["content-type"] = "application/json";
  if (method !== "GET" && method !== "HEAD" && method !== "DELETE") h["idempotency-key"] = idempotencyKey || newKey();
  const target = url(path, query);
  // the first screen's first GET was asked for at load (prefetch.js): its answer, once
  const early = method === "GET" && !Object.keys(headers).length ? takePrimed(target) : null;
  let resp;
  try {
    resp = await (early || fetch(target, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) }));
  } catch (err) {
    throw new ApiError(0, { code: "NETWORK_ERROR", message_ko: "서버에 연결할 수 없습니다. 네트워크를 확인해 주세요." });
  }
  if (!resp.ok) {
    const problem = await problemOf(resp);
    if (resp.status === 401) signOut({ expired: true });
    throw new ApiError(resp.status, problem);
  }
  if (raw) return resp;
  if (resp.status === 204) return null;
  const type = resp.headers.get("content-type") || "";
  return type.includes("json") ? resp.json() : resp.text();
}

export const api = {
  get: (path, query, opts) => request("GET", path, { ...opts, query }),
  post: (path, body = {}, opts) => request("POST", path, { ...opts, body }),
  put: (path, body = {}, opts) => request("PUT", path, { ...opts, body }),
  patch: (path, body = {}, opts) => request("PATCH", path, { ...opts, body }),
  del: (path, opts) => request("DELETE", path, opts),
};

/** A path segment, encoded (ids come from the API but are never trusted into a URL raw). */
export const seg = (v) => encodeURIComponent(String(v));
