export { isAllowedTarget, parseAllowList } from "./addresses";
export { ConfigError, type ProbeConfig, probeConfigFromEnv } from "./config";
export { type ProbeDeps, ProbeEngine } from "./engine";
export { dnsResolver, type MailResolver } from "./resolver";
export { type Connector, tcpConnector } from "./smtp";

import { probeConfigFromEnv } from "./config";
import { ProbeEngine } from "./engine";
import { dnsResolver } from "./resolver";

/** An engine configured from MAILTLS_* variables, with real DNS and TCP. */
export function engineFromEnv(env: Record<string, string | undefined> = process.env): ProbeEngine {
  const config = probeConfigFromEnv(env);
  return new ProbeEngine(config, { resolver: dnsResolver(config.dnsServers, config.dnsTimeoutMs) });
}
