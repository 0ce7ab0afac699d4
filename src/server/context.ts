import type { DriftWatch } from "./admin/drift";
import type { FigureCounter, FiguresStore } from "./admin/figures";
import type { createAuthenticator } from "./auth";
import type { ServerConfig } from "./config";
import type { Metrics } from "./metrics";
import type { HotStore } from "./store/hot";
import type { VerdictStore } from "./store/types";
import type { VerdictService } from "./verdicts";

export type Authenticator = ReturnType<typeof createAuthenticator>;

/** What the service's plugins share, handed to each as its options. */
export interface ServerContext {
  config: ServerConfig;
  verdicts: VerdictService;
  /** The store behind the verdicts, with its in-memory front (store/hot.ts). */
  store: HotStore;
  /** The store itself, for readiness. */
  backing: VerdictStore;
  auth: Authenticator;
  metrics: Metrics;
  /** The tenants' figures (daily aggregates) and the counter that batches writes to them. */
  figures: FiguresStore;
  counter: FigureCounter;
  /** Partners of generated Exchange connectors that no longer qualify (admin/drift.ts). */
  drift: DriftWatch;
}
