import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseMailDomain } from "../core/domain";
import { DEFAULT_POLICY, parsePolicy, PolicyError, type TenantPolicy } from "../core/policy";
import { DEFAULT_TTL_SECONDS, type Grade } from "../core/verdict";
import { ConfigError, envInt, type ProbeConfig, probeConfigFromEnv } from "../probe/config";

/** The service's settings, all from MAILTLS_* variables (docs/configuration.md lists them). */
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
  /** Code requests and downloads (POST /d/…) a minute per client address. */
  linkRateLimitPerMinute: number;
  /** Behind one reverse proxy: the client is the address it forwards (the last X-Forwarded-For entry). */
  trustProxy: boolean;
  logLevel: string;
  probe: ProbeConfig;
  /** Bounds on what a client can make the service hold: time, connections, probes, memory, disk. */
  limits: ServiceLimits;
  /** Uploads without a verified caller (MAILTLS_ANONYMOUS_UPLOADS): off unless asked for. */
  anonymousUploads: boolean;
  /** The key /metrics needs from anywhere but loopback (MAILTLS_METRICS_KEY); none: loopback only. */
  metricsKey?: string;
}

export interface ServiceLimits {
  /** A request (body, handler and answer) other than an upload must be done within this. */
  requestTimeoutMs: number;
  /** The request line and headers must arrive within this. */
  headersTimeoutMs: number;
  /** A connection with no traffic either way is closed after this. */
  idleTimeoutMs: number;
  /** Connections open at once. */
  maxConnections: number;
  /** An upload must be done within this, and keep up at least this rate (after a short start). */
  uploadTimeoutMs: number;
  uploadMinBytesPerSecond: number;
  /** How the rate is measured: not before the grace time, then over each window (not settings). */
  uploadGraceMs: number;
  uploadWindowMs: number;
  /** Uploads in progress at once, in all and per client. */
  uploadsMax: number;
  uploadsPerClient: number;
  /** Probes running at once, probes waiting, and how many of both one client may have. */
  probesMax: number;
  probeQueue: number;
  probeQueuePerClient: number;
  /** Memory for verdicts held in front of the store. */
  cacheBytes: number;
  /** Stored verdicts and counters older than this are deleted. */
  retentionDays: number;
  /** Domains the verdict store keeps at most; beyond, the least recently looked-up go. */
  maxStoredDomains: number;
  /** The download-link store's disk, in all and per caller (an API key, an Entra tenant, or anonymous). */
  filesMaxBytes: number;
  filesMaxBytesPerCaller: number;
}

function list(env: NodeJS.ProcessEnv, name: string): string[] {
  return (env[name] ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** true/1 or false/0/unset; anything else is a mistake worth stopping for. */
function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const v = (env[name] ?? "").trim().toLowerCase();
  if (v === "" || v === "false" || v === "0") return false;
  if (v === "true" || v === "1") return true;
  throw new ConfigError(`${name}="${env[name]}" must be true or false`);
}

const TENANT_FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.json$/i;

/** `<tenant ID>.json` files, each a whole policy in MAILTLS_POLICY_FILE's format. */
export function loadTenantPolicies(dir: string | undefined): Record<string, TenantPolicy> {
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

/** MAILTLS_POLICY_FILE's policy (the default without one); a ConfigError names the file and the fault. */
export function loadPolicy(path: string | undefined, setting = "MAILTLS_POLICY_FILE"): TenantPolicy {
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

/** The public URL when MAILTLS_PUBLIC_URL is not set: reachable from this machine only. */
export const DEFAULT_PUBLIC_URL = "https://localhost:3000";

/** Where the SQLite file (MAILTLS_DB) and the download-link files (MAILTLS_DATA_DIR) go. */
export function storagePaths(env: NodeJS.ProcessEnv): { dbPath: string; dataDir: string } {
  return { dbPath: env.MAILTLS_DB || "./data/mailtls.db", dataDir: env.MAILTLS_DATA_DIR || "./data" };
}

export function serverConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = envInt(env, "MAILTLS_PORT", 3000, 0, 65535);
  const host = env.MAILTLS_HOST || "127.0.0.1";
  const tlsCert = env.MAILTLS_TLS_CERT || undefined;
  const tlsKey = env.MAILTLS_TLS_KEY || undefined;
  if (!!tlsCert !== !!tlsKey) throw new ConfigError("MAILTLS_TLS_CERT and MAILTLS_TLS_KEY go together");
  const publicUrl = (env.MAILTLS_PUBLIC_URL || DEFAULT_PUBLIC_URL).replace(/\/+$/, "");
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
  const MB = 1_000_000;
  const limits: ServiceLimits = {
    requestTimeoutMs: envInt(env, "MAILTLS_REQUEST_TIMEOUT_MS", 30_000, 1000, 600_000),
    headersTimeoutMs: envInt(env, "MAILTLS_HEADERS_TIMEOUT_MS", 10_000, 1000, 120_000),
    idleTimeoutMs: envInt(env, "MAILTLS_IDLE_TIMEOUT_MS", 30_000, 1000, 600_000),
    maxConnections: envInt(env, "MAILTLS_HTTP_MAX_CONNECTIONS", 10_000, 1, 1_000_000),
    uploadTimeoutMs: envInt(env, "MAILTLS_UPLOAD_TIMEOUT_MS", 3_600_000, 1000, 24 * 3_600_000),
    uploadMinBytesPerSecond: envInt(env, "MAILTLS_UPLOAD_MIN_BYTES_PER_SECOND", 32_768, 0, 1_000_000_000),
    uploadGraceMs: 10_000,
    uploadWindowMs: 5_000,
    uploadsMax: envInt(env, "MAILTLS_UPLOADS_MAX", 16, 1, 10_000),
    uploadsPerClient: envInt(env, "MAILTLS_UPLOADS_PER_CLIENT", 2, 1, 10_000),
    probesMax: envInt(env, "MAILTLS_PROBES_MAX", 32, 1, 10_000),
    probeQueue: envInt(env, "MAILTLS_PROBE_QUEUE", 1000, 0, 1_000_000),
    probeQueuePerClient: envInt(env, "MAILTLS_PROBE_QUEUE_PER_CLIENT", 200, 1, 1_000_000),
    cacheBytes: envInt(env, "MAILTLS_CACHE_MB", 64, 1, 100_000) * MB,
    retentionDays: envInt(env, "MAILTLS_RETENTION_DAYS", 365, 1, 36_500),
    maxStoredDomains: envInt(env, "MAILTLS_MAX_STORED_DOMAINS", 1_000_000, 100, 100_000_000),
    filesMaxBytes: envInt(env, "MAILTLS_FILES_MAX_TOTAL_MB", 10_000, 1, 100_000_000) * MB,
    filesMaxBytesPerCaller: envInt(env, "MAILTLS_FILES_MAX_PER_CALLER_MB", 2_000, 1, 100_000_000) * MB,
  };
  const maxWaitMs = envInt(env, "MAILTLS_MAX_WAIT_MS", 20000, 0, 120000);
  // A wait that outlasts the request's own deadline would only ever end in a timeout.
  if (maxWaitMs > limits.requestTimeoutMs - 2000)
    throw new ConfigError(
      `MAILTLS_MAX_WAIT_MS (${maxWaitMs}) must be at least 2000 below MAILTLS_REQUEST_TIMEOUT_MS (${limits.requestTimeoutMs})`,
    );
  const anonymousUploads = flag(env, "MAILTLS_ANONYMOUS_UPLOADS");
  return {
    host,
    port,
    ...storagePaths(env),
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
    maxWaitMs,
    rateLimitPerMinute: envInt(env, "MAILTLS_RATE_LIMIT", 600, 1, 1_000_000),
    refreshRateLimitPerMinute: envInt(env, "MAILTLS_REFRESH_RATE_LIMIT", 10, 1, 1_000_000),
    linkRateLimitPerMinute: envInt(env, "MAILTLS_LINK_RATE_LIMIT", 20, 1, 1_000_000),
    trustProxy: flag(env, "MAILTLS_TRUST_PROXY"),
    logLevel: env.MAILTLS_LOG_LEVEL || "info",
    probe: probeConfigFromEnv(env),
    limits,
    anonymousUploads,
    metricsKey: env.MAILTLS_METRICS_KEY || undefined,
  };
}
