import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_POLICY, type TenantPolicy } from "../../src/core/policy";
import { type App, buildApp } from "../../src/server/app";
import { type ServiceLimits, serverConfigFromEnv } from "../../src/server/config";
import { FileStore } from "../../src/server/files/store";
import type { Mailer } from "../../src/server/mailer";
import { memoryStore } from "../../src/server/store/memory";

/**
 * A service for the built-in download-link store over real HTTP: no probes (the prober refuses),
 * its own data directory, and a clock the test can move. `closeAllFileServices` in afterEach.
 */

export const PUBLIC_URL = "https://files.example.test";
export const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
/** Uploads need a verified caller: the tests upload with this API key unless they say otherwise. */
export const UPLOAD_KEY = "uploader-test-key";

export interface Svc {
  app: App;
  url: string;
  dir: string;
  files: FileStore;
  clock: { now: number };
  upload(body: Buffer | string, query?: string, headers?: Record<string, string>): Promise<Answer>;
  close(): Promise<void>;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
  bytes: Buffer;
}

const running: Svc[] = [];
export async function closeAllFileServices(): Promise<void> {
  for (const s of [...running]) await s.close();
}

export async function answer(res: Response): Promise<Answer> {
  const bytes = Buffer.from(await res.arrayBuffer());
  let body: unknown = bytes.toString("utf8");
  try {
    body = JSON.parse(body as string);
  } catch {
    /* a page or a file */
  }
  return { status: res.status, headers: res.headers, body, bytes };
}

export async function startFileService(
  opts: {
    links?: Partial<TenantPolicy["links"]>;
    linkProvider?: TenantPolicy["linkProvider"];
    env?: Record<string, string>;
    dataDir?: string;
    mailer?: Mailer;
    logStream?: { write(line: string): void };
    /** Changes to the service's limits beyond what the environment sets (the upload rate's timing). */
    limits?: Partial<ServiceLimits>;
  } = {},
): Promise<Svc> {
  const dir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "mailtls-files-"));
  const config = serverConfigFromEnv({
    MAILTLS_PUBLIC_URL: PUBLIC_URL,
    MAILTLS_LOG_LEVEL: "silent",
    MAILTLS_DATA_DIR: dir,
    MAILTLS_API_KEYS: UPLOAD_KEY,
    ...opts.env,
  } as NodeJS.ProcessEnv);
  Object.assign(config.limits, opts.limits);
  config.policy = {
    ...DEFAULT_POLICY,
    linkProvider: opts.linkProvider ?? "builtin",
    links: { ...DEFAULT_POLICY.links, maxFileMb: 2, ...opts.links },
  };
  const clock = { now: Date.UTC(2025, 3, 1, 3, 0, 0) };
  const files = new FileStore({ dir: join(dir, "files"), now: () => clock.now });
  const app = await buildApp(config, {
    store: memoryStore(),
    prober: {
      probe: async () => {
        throw new Error("these tests probe nothing");
      },
    },
    files,
    ...(opts.mailer ? { mailer: opts.mailer } : {}),
    ...(opts.logStream ? { logStream: opts.logStream } : {}),
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  const svc: Svc = {
    app,
    url,
    dir,
    files,
    clock,
    upload: async (body, query = "name=report.pdf", headers = {}) =>
      answer(
        await fetch(`${url}/api/v1/files?${query}`, {
          method: "POST",
          headers: { "content-type": "application/octet-stream", "x-api-key": UPLOAD_KEY, ...headers },
          body,
        }),
      ),
    close: async () => {
      // Once: a test may close early, and afterEach closes what is left.
      if (!running.includes(svc)) return;
      running.splice(running.indexOf(svc), 1);
      // Every answer has been read, but the server may not have seen a streamed download finish
      // yet; such a connection would stay open for fastify's keep-alive timeout (72 s).
      app.server.closeAllConnections();
      await app.close();
      files.close();
      if (!opts.dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
  running.push(svc);
  return svc;
}
