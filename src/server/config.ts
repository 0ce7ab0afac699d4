import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseMailDomain } from "../core/domain";
import { DEFAULT_POLICY, parsePolicy, PolicyError, type TenantPolicy } from "../core/policy";
import { DEFAULT_TTL_SECONDS, type Grade } from "../core/verdict";
import { ConfigError, envInt, type ProbeConfig, probeConfigFromEnv } from "../probe/config";

/** The service's settings, all from MAILTLS_* variables (README lists them). */
export interface ServerConfig {
  host: string;
  port: number;
  dbPath: string;
  /** Where the built-in download-link store keeps its files (under files/). */
  dataDir: string;
  redisUrl?: string;
  tlsCert?: string;
  tlsKey?: string;
  /** The service's public URL: the origin CORS allows, and the base the add-in's manifest uses. */
  publicUrl: string;
  policy: TenantPolicy;
  /** Policies of particular Entra tenants (by tenant ID), from MAILTLS_POLICY_DIR; others get `policy`. */
  tenantPolicies: Record<string, TenantPolicy>;
  apiKeys: string[];
  adminKeys: string[];
  /** Tokens must name one of the audiences and come from one of the issuers (`{tenant}`: the token's tid). */
  entra?: { issuers: string[]; audiences: string[]; tenants: string[]; jwksUrl: string; scope?: string };
  /** The relay one-time download codes are sent through, and their sender; absent: no codes. */
  mail?: { relayUrl: string; from: string };
  ttlSeconds: Record<Grade, number>;
  /** Refresh an entry in the background when it expires within this many seconds and was asked for recently. */
  refreshAheadSeconds: number;
  defaultWaitMs: number;
  maxWaitMs: number;
  rateLimitPerMinute: number;
  refreshRateLimitPerMinute: number;
  trustProxy: boolean;
  logLevel: string;
  probe: ProbeConfig;
}

function list(env: NodeJS.ProcessEnv, name: string): string[] {
  return (env[name] ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

const TENANT_FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.json$/i;

/** `<tenant ID>.json` files, each a whole policy in MAILTLS_POLICY_FILE's format. */
function loadTenantPolicies(dir: string | undefined): Record<string, TenantPolicy> {
  if (!dir) return {};
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new ConfigError(
      `MAILTLS_POLICY_DIR: cannot read ${dir}: ${(e as NodeJS.ErrnoException).code ?? e}`,
    );
  }
  const out: Record<string, TenantPolicy> = {};
  for (const name of names.filter((n) => n.endsWith(".json"))) {
    const m = TENANT_FILE.exec(name);
    if (!m) throw new ConfigError(`MAILTLS_POLICY_DIR: ${name} is not named <tenant ID>.json`);
    out[m[1].toLowerCase()] = loadPolicy(join(dir, name), "MAILTLS_POLICY_DIR");
  }
  return out;
}

function loadPolicy(path: string | undefined, setting = "MAILTLS_POLICY_FILE"): TenantPolicy {
  if (!path) return DEFAULT_POLICY;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ConfigError(`${setting}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  try {
    return parsePolicy(JSON.parse(text), (d) => parseMailDomain(d).ascii);
  } catch (e) {
    const why = e instanceof PolicyError || e instanceof SyntaxError ? e.message : String(e);
    throw new ConfigError(`${setting} ${path}: ${why}`);
  }
}

/**
 * Reads MAILTLS_POLICY_FILE and MAILTLS_POLICY_DIR again into `config` (SIGHUP), all or nothing: on
 * any error (ConfigError, naming the file) the policies in use stay as they were.
 */
export function reloadPolicies(config: ServerConfig, env: NodeJS.ProcessEnv = process.env): void {
  const policy = loadPolicy(env.MAILTLS_POLICY_FILE);
  const tenantPolicies = loadTenantPolicies(env.MAILTLS_POLICY_DIR);
  config.policy = policy;
  config.tenantPolicies = tenantPolicies;
}

export function serverConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = envInt(env, "MAILTLS_PORT", 3000, 0, 65535);
  const host = env.MAILTLS_HOST || "127.0.0.1";
  const tlsCert = env.MAILTLS_TLS_CERT || undefined;
  const tlsKey = env.MAILTLS_TLS_KEY || undefined;
  if (!!tlsCert !== !!tlsKey) throw new ConfigError("MAILTLS_TLS_CERT and MAILTLS_TLS_KEY go together");
  const publicUrl = (env.MAILTLS_PUBLIC_URL || "https://localhost:3000").replace(/\/+$/, "");
  try {
    new URL(publicUrl);
  } catch {
    throw new ConfigError(`MAILTLS_PUBLIC_URL="${publicUrl}" is not a URL`);
  }
  const ttlSeconds = { ...DEFAULT_TTL_SECONDS };
  for (const g of Object.keys(ttlSeconds) as Grade[]) {
    const name = `MAILTLS_TTL_${g.toUpperCase().replace("-", "_")}_SECONDS`;
    ttlSeconds[g] = envInt(env, name, ttlSeconds[g], 1, 30 * 24 * 3600);
  }
  let entra: ServerConfig["entra"];
  if (env.MAILTLS_ENTRA_AUDIENCE) {
    const tenants = list(env, "MAILTLS_ENTRA_TENANTS");
    if (tenants.length === 0) throw new ConfigError("MAILTLS_ENTRA_TENANTS must list at least one tenant ID");
    const issuers = list(env, "MAILTLS_ENTRA_ISSUER");
    entra = {
      // Both forms an app's tokens may carry: the client ID (v2 tokens) and the app ID URI (v1).
      audiences: list(env, "MAILTLS_ENTRA_AUDIENCE"),
      tenants,
      // {tenant} is replaced by the token's tenant ID (tid).
      issuers: issuers.length > 0 ? issuers : ["https://login.microsoftonline.com/{tenant}/v2.0"],
      jwksUrl: env.MAILTLS_ENTRA_JWKS_URL || "https://login.microsoftonline.com/common/discovery/v2.0/keys",
      // A delegated token for the add-in's own API; an app-only token (no `scp`) is not a user.
      // "none" turns the check off.
      scope: env.MAILTLS_ENTRA_SCOPE === "none" ? undefined : env.MAILTLS_ENTRA_SCOPE || "access_as_user",
    };
  }
  let mail: ServerConfig["mail"];
  if (env.MAILTLS_SMTP_RELAY) {
    const relayUrl = env.MAILTLS_SMTP_RELAY;
    let url: URL;
    try {
      url = new URL(relayUrl);
    } catch {
      throw new ConfigError(
        `MAILTLS_SMTP_RELAY="${relayUrl}" is not a URL (smtp://host:port or smtps://host:port)`,
      );
    }
    if (url.protocol !== "smtp:" && url.protocol !== "smtps:")
      throw new ConfigError(`MAILTLS_SMTP_RELAY must be smtp:// or smtps://, not ${url.protocol}`);
    const from = env.MAILTLS_MAIL_FROM ?? "";
    if (!/^[^\s@<>]+@[^\s@<>]+$/.test(from))
      throw new ConfigError(
        `MAILTLS_MAIL_FROM must be the codes' sender address (with MAILTLS_SMTP_RELAY), not "${from}"`,
      );
    mail = { relayUrl, from };
  }
  return {
    host,
    port,
    dbPath: env.MAILTLS_DB || "./data/mailtls.db",
    dataDir: env.MAILTLS_DATA_DIR || "./data",
    redisUrl: env.MAILTLS_REDIS_URL || undefined,
    tlsCert,
    tlsKey,
    publicUrl,
    policy: loadPolicy(env.MAILTLS_POLICY_FILE),
    tenantPolicies: loadTenantPolicies(env.MAILTLS_POLICY_DIR),
    apiKeys: list(env, "MAILTLS_API_KEYS"),
    adminKeys: list(env, "MAILTLS_ADMIN_KEYS"),
    entra,
    mail,
    ttlSeconds,
    refreshAheadSeconds: envInt(env, "MAILTLS_REFRESH_AHEAD_SECONDS", 600, 0, 24 * 3600),
    defaultWaitMs: envInt(env, "MAILTLS_DEFAULT_WAIT_MS", 2500, 0, 60000),
    maxWaitMs: envInt(env, "MAILTLS_MAX_WAIT_MS", 20000, 0, 120000),
    rateLimitPerMinute: envInt(env, "MAILTLS_RATE_LIMIT", 600, 1, 1_000_000),
    refreshRateLimitPerMinute: envInt(env, "MAILTLS_REFRESH_RATE_LIMIT", 10, 1, 1_000_000),
    trustProxy: env.MAILTLS_TRUST_PROXY === "true" || env.MAILTLS_TRUST_PROXY === "1",
    logLevel: env.MAILTLS_LOG_LEVEL || "info",
    probe: probeConfigFromEnv(env),
  };
}
