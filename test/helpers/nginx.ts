/**
 * Debian's nginx for tests: started on loopback with its own prefix, configuration, pid file,
 * logs and temporary directories in a temp dir (never the system service), and stopped by the test.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { X509Certificate, createHash } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const NGINX = process.env.NGINX_PATH ?? "/usr/sbin/nginx";
export const TEST_PKI = join(__dirname, "..", "harness", "pki");

/** A port free on `host` just now (the kernel's choice). */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, host, () => {
      const address = s.address();
      const port = typeof address === "object" && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/**
 * `text` with each `from` replaced by its `to`, each expected exactly `count` times: a change to the
 * committed file that a test's substitution no longer fits stops the test instead of going unseen.
 */
export function substitute(
  text: string,
  subs: ReadonlyArray<[from: string, to: string, count: number]>,
): string {
  let out = text;
  for (const [from, to, count] of subs) {
    const found = out.split(from).length - 1;
    if (found !== count)
      throw new Error(`expected "${from}" ${count} times in the configuration, found ${found}`);
    out = out.split(from).join(to);
  }
  return out;
}

export interface ServerCert {
  cert: string;
  key: string;
  /** base64 SHA-256 of the certificate's public key (SPKI), as Chromium's pin list takes it. */
  spki: string;
}

/** A server certificate for `names`, signed by the test CA (as test/harness/up.sh makes its extra ones). */
export function makeServerCert(dir: string, names: string[]): ServerCert {
  mkdirSync(dir, { recursive: true });
  const key = join(dir, "server.key");
  const csr = join(dir, "server.csr");
  const ext = join(dir, "server.ext");
  const crt = join(dir, "server.crt");
  const chain = join(dir, "fullchain.pem");
  writeFileSync(
    ext,
    `subjectAltName=${names.map((n) => `DNS:${n}`).join(",")}\nextendedKeyUsage=serverAuth\n`,
  );
  const run = (args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  run([
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    key,
    "-out",
    csr,
    "-subj",
    `/O=MailTLS Guard Test/CN=${names[0]}`,
  ]);
  // The serial file goes to `dir`: the committed PKI stays as it is.
  run([
    "x509",
    "-req",
    "-in",
    csr,
    "-CA",
    join(TEST_PKI, "ca.crt"),
    "-CAkey",
    join(TEST_PKI, "ca.key"),
    "-CAserial",
    join(dir, "ca.srl"),
    "-CAcreateserial",
    "-days",
    "2",
    "-sha256",
    "-extfile",
    ext,
    "-out",
    crt,
  ]);
  writeFileSync(chain, readFileSync(crt, "utf8") + readFileSync(join(TEST_PKI, "ca.crt"), "utf8"));
  const spkiDer = new X509Certificate(readFileSync(crt)).publicKey.export({ type: "spki", format: "der" });
  return { cert: chain, key, spki: createHash("sha256").update(spkiDer).digest("base64") };
}

export interface RunningNginx {
  /** Its prefix: configuration, logs, pid file, temporary files (removed when it stops). */
  dir: string;
  /** Everything nginx wrote to its error log so far. */
  errorLog(): string;
  stop(): Promise<void>;
}

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

/**
 * nginx in the foreground with `site` (http-context configuration) included in a minimal main
 * configuration of its own; ready when every `host:port` of `listens` accepts connections.
 */
export async function startNginx(
  site: string,
  listens: Array<{ host: string; port: number }>,
): Promise<RunningNginx> {
  const dir = mkdtempSync(join(tmpdir(), "mailtls-nginx-"));
  // The workers (nobody, when started as root) read nothing here but write their temporary files.
  chmodSync(dir, 0o755);
  const root = process.getuid?.() === 0;
  writeFileSync(join(dir, "site.conf"), site);
  writeFileSync(
    join(dir, "nginx.conf"),
    [
      root ? "user nobody nogroup;" : "",
      "worker_processes 1;",
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log info;`,
      "events { worker_connections 256; }",
      "http {",
      "  default_type application/octet-stream;",
      `  access_log ${dir}/access.log;`,
      `  client_body_temp_path ${dir}/tmp/body;`,
      `  proxy_temp_path ${dir}/tmp/proxy;`,
      `  fastcgi_temp_path ${dir}/tmp/fastcgi;`,
      `  uwsgi_temp_path ${dir}/tmp/uwsgi;`,
      `  scgi_temp_path ${dir}/tmp/scgi;`,
      `  include ${dir}/site.conf;`,
      "}",
      "",
    ].join("\n"),
  );
  mkdirSync(join(dir, "tmp"), { mode: 0o755 });
  const args = ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log")];
  const errorLog = () => {
    try {
      return readFileSync(join(dir, "error.log"), "utf8");
    } catch {
      return "";
    }
  };
  // The configuration first, so that a mistake in it reads as nginx's own message.
  try {
    execFileSync(NGINX, [...args, "-t"], { stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    throw new Error(
      `nginx -t refused the configuration:\n${(e as { stderr?: Buffer }).stderr}\n${errorLog()}`,
    );
  }
  const child: ChildProcess = spawn(NGINX, [...args, "-g", "daemon off;"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr?.on("data", (b: Buffer) => (output += b.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // Whatever happens to the test process, nginx does not outlive it.
  const kill = () => child.exitCode === null && child.kill("SIGTERM");
  process.once("exit", kill);
  const stop = async () => {
    process.removeListener("exit", kill);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGQUIT"); // graceful: the workers finish their requests
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited at start:\n${output}\n${errorLog()}`);
    const open = await Promise.all(listens.map((l) => portOpen(l.host, l.port)));
    if (open.every(Boolean)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `nginx did not listen on ${listens.map((l) => `${l.host}:${l.port}`).join(", ")}:\n${errorLog()}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { dir, errorLog, stop };
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json(): any;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** The client's own address (any of 127.0.0.0/8 on Linux): how a test plays several clients. */
  localAddress?: string;
  /** TLS: the name to ask for and verify (SNI), and the CA to trust (only it). */
  servername?: string;
  ca?: string | Buffer;
}

/** One HTTP(S) request to `url`'s address, on a fresh connection, with exactly the headers given. */
export function request(url: string, opts: RequestOptions = {}): Promise<Answer> {
  const u = new URL(url);
  const secure = u.protocol === "https:";
  const options: https.RequestOptions = {
    host: u.hostname.replace(/^\[|\]$/g, ""),
    port: u.port || (secure ? 443 : 80),
    path: u.pathname + u.search,
    method: opts.method ?? "GET",
    headers: opts.headers,
    localAddress: opts.localAddress,
    agent: false,
    timeout: 30_000,
    ...(secure ? { servername: opts.servername, ca: opts.ca, rejectUnauthorized: true } : {}),
  };
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const body = Buffer.concat(chunks);
        const text = body.toString("utf8");
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          text,
          json: () => JSON.parse(text),
        });
      });
    });
    req.on("timeout", () => req.destroy(new Error(`no answer from ${url} in time`)));
    req.on("error", reject);
    req.end(opts.body);
  });
}
