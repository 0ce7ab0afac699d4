import { timingSafeEqual, createHash } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import type { ServerConfig } from "./config";

export class AuthError extends Error {
  constructor(
    readonly status: 401 | 403,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The app role an Entra user (or app) needs to read its own tenant's figures. */
export const ADMIN_ROLE = "MailTLS.Admin";

/** Who reads the admin API: an operator (every tenant) or one tenant's admin. */
export type AdminCaller = { kind: "operator" } | { kind: "tenant-admin"; tenant: string };

/** Who is calling: an API key (by a short hash, never the key itself) or an Entra tenant. */
export interface Caller {
  kind: "anonymous" | "api-key" | "entra";
  id: string;
  /**
   * What a verified caller's requests are counted under by the rate limits: the key's hash, or for
   * an Entra user a hash of tenant and object ID (pseudonymous, never stored beyond a limit's window).
   */
  rateKey?: string;
}

const CALLER = Symbol("mailtls.caller");
/** A request's caller: the verification under way, and its outcome once known. */
interface KnownCaller {
  /** Made only when asked for (a caller known at once often never is). */
  promise?: Promise<Caller>;
  value?: Caller;
}
type WithCaller = FastifyRequest & { [CALLER]?: KnownCaller };

export function sameSecret(a: string, b: string): boolean {
  // Hash first so the comparison takes the same time whatever the lengths.
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}

function keyId(key: string): string {
  return "key:" + createHash("sha256").update(key).digest("hex").slice(0, 12);
}

function userKey(tid: string, oid: unknown): string {
  const who = typeof oid === "string" ? oid : "";
  return "user:" + createHash("sha256").update(`${tid}\n${who}`).digest("hex").slice(0, 16);
}

function presented(req: FastifyRequest): string | undefined {
  const header = req.headers["x-api-key"];
  if (typeof header === "string" && header) return header;
  const auth = req.headers.authorization;
  if (auth && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, "").trim();
  return undefined;
}

/**
 * Authentication for the API when configured: API keys (MAILTLS_API_KEYS), or Microsoft Entra ID
 * bearer tokens (nested app authentication) checked for signature (JWKS), issuer, audience and an
 * allowed tenant. With neither configured the API is open (a single-tenant, internal deployment).
 */
export function createAuthenticator(config: ServerConfig) {
  const entra = config.entra;
  const jwks = entra
    ? createRemoteJWKSet(new URL(entra.jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30000 })
    : undefined;
  const required = config.apiKeys.length > 0 || entra !== undefined;

  /** An Entra token of an allowed tenant, for our audience, signed, unexpired; throws AuthError. */
  async function entraToken(
    secret: string,
  ): Promise<{ tid: string; claims: { scp?: unknown; oid?: unknown; roles?: unknown } }> {
    if (!entra || !jwks) throw new AuthError(401, "unauthorized", "Entra tokens are not configured");
    let tid: string | undefined;
    try {
      tid = decodeJwt(secret).tid as string | undefined;
    } catch {
      throw new AuthError(401, "invalid-token", "the bearer token is not a JWT");
    }
    if (!tid || !entra.tenants.includes(tid))
      throw new AuthError(403, "tenant-not-allowed", "this tenant is not allowed");
    let claims: { scp?: unknown; oid?: unknown; roles?: unknown };
    try {
      ({ payload: claims } = await jwtVerify(secret, jwks, {
        issuer: entra.issuers.map((i) => i.replace("{tenant}", tid as string)),
        audience: entra.audiences,
        clockTolerance: 60,
        // A token without an expiry would be good forever.
        requiredClaims: ["exp"],
      }));
    } catch (e) {
      throw new AuthError(401, "invalid-token", `the bearer token was rejected: ${(e as Error).message}`);
    }
    return { tid, claims };
  }

  async function resolve(req: FastifyRequest): Promise<Caller> {
    const secret = presented(req);
    if (!secret) {
      if (!required) return { kind: "anonymous", id: "ip:" + req.ip };
      throw new AuthError(401, "unauthorized", "an API key (X-API-Key) or a bearer token is required");
    }
    const key = config.apiKeys.find((k) => sameSecret(k, secret));
    if (key) return { kind: "api-key", id: keyId(key), rateKey: keyId(key) };
    if (entra && jwks && secret.split(".").length === 3) {
      const { tid, claims } = await entraToken(secret);
      const scopes = typeof claims.scp === "string" ? claims.scp.split(" ") : [];
      if (entra.scope && !scopes.includes(entra.scope))
        throw new AuthError(403, "insufficient-scope", `the token does not carry the scope ${entra.scope}`);
      return { kind: "entra", id: "tenant:" + tid, rateKey: userKey(tid, claims.oid) };
    }
    if (!required) return { kind: "anonymous", id: "ip:" + req.ip };
    throw new AuthError(401, "unauthorized", "the API key or token is not valid");
  }

  // One verification per request, whoever asks first (the rate limit's key, then the route); kept
  // on the request itself, with the value once known (see callerNow).
  function caller(req: FastifyRequest): Promise<Caller> {
    const r = req as WithCaller;
    const c = r[CALLER];
    if (c) return (c.promise ??= Promise.resolve(c.value as Caller));
    const promise = resolve(req);
    const known: KnownCaller = (r[CALLER] = { promise });
    promise.then(
      (v) => (known.value = v),
      () => undefined,
    );
    return promise;
  }

  /**
   * The caller without waiting, when that is possible: no credential presented on an open service
   * (anonymous), or one already verified for this request. Otherwise undefined: use `caller`.
   */
  function callerNow(req: FastifyRequest): Caller | undefined {
    const c = (req as WithCaller)[CALLER];
    if (c) return c.value;
    if (required || presented(req)) return undefined;
    const value: Caller = { kind: "anonymous", id: "ip:" + req.ip };
    (req as WithCaller)[CALLER] = { value };
    return value;
  }

  /** The caller if it presented a credential that verified; undefined otherwise. Never throws. */
  async function verified(req: FastifyRequest): Promise<Caller | undefined> {
    if (!presented(req)) return undefined;
    try {
      const c = await caller(req);
      return c.kind === "anonymous" ? undefined : c;
    } catch {
      return undefined;
    }
  }

  /**
   * Admin routes: an operator key (MAILTLS_ADMIN_KEYS), which sees every tenant, or an Entra token
   * with the app role MailTLS.Admin, which sees its own tenant only. With neither configured the
   * admin routes are off.
   */
  async function admin(req: FastifyRequest): Promise<AdminCaller> {
    if (config.adminKeys.length === 0 && !entra)
      throw new AuthError(403, "admin-disabled", "no admin key is configured (MAILTLS_ADMIN_KEYS)");
    const secret = presented(req);
    if (!secret)
      throw new AuthError(401, "unauthorized", "an admin key or an admin's Entra token is required");
    if (config.adminKeys.some((k) => sameSecret(k, secret))) return { kind: "operator" };
    if (entra && secret.split(".").length === 3) {
      const { tid, claims } = await entraToken(secret);
      const roles = Array.isArray(claims.roles) ? claims.roles : [];
      if (!roles.includes(ADMIN_ROLE))
        throw new AuthError(403, "forbidden", `the token does not carry the app role ${ADMIN_ROLE}`);
      return { kind: "tenant-admin", tenant: tid.toLowerCase() };
    }
    throw new AuthError(403, "forbidden", "not an admin key");
  }

  /** Whether the request carries a credential (an API key or a bearer token) at all. */
  const presents = (req: FastifyRequest): boolean => presented(req) !== undefined;

  return { caller, callerNow, verified, presents, admin, required };
}
