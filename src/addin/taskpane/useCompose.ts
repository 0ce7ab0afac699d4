/**
 * The draft as the pane sees it: recipients grouped by domain with their verdicts, attachments with
 * their findings, and the send decision. Verdicts and findings come from sessionData first (where
 * the event runtime left them) and only what is missing is fetched or inspected, with the very
 * functions the event handlers use, so nothing is done twice.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { InspectionResult } from "../../core/attachments/types";
import { type AttachmentFacts, type Decision, isInternal } from "../../core/decision";
import { tryParseMailDomain } from "../../core/domain";
import { DEFAULT_POLICY, type TenantPolicy } from "../../core/policy";
import {
  type CompactReport,
  compact,
  decideCompose,
  type HandlerDeps,
  isInternalDomain,
  KEYS,
  fallbackPolicy,
  policyOf,
  readJson,
  refreshFindings,
  refreshReports,
  type SendContext,
} from "../handlers";
import { buildFailOpen } from "../entraClient";
import type { AttachmentInfo } from "../office";
import type { ServiceClient } from "../serviceClient";
import type { PaneMail } from "./officePane";

export interface DomainRow {
  domain: string;
  displayDomain: string;
  internal: boolean;
  /** The tenant's policy says this partner deletes password-protected attachments. */
  deletesEncrypted: boolean;
  addresses: string[];
  report?: CompactReport;
}

export interface AttachmentRow extends AttachmentInfo {
  facts?: AttachmentFacts;
}

export interface ComposeState {
  loaded: boolean;
  domains: DomainRow[];
  attachments: AttachmentRow[];
  decision?: Decision;
  reachable: boolean;
  policy: TenantPolicy;
  /** Set when the pane was opened from the Smart Alerts dialog. */
  sendContext?: SendContext;
}

/** Recipients grouped by domain, in the order first seen; invalid addresses are left out. */
function groupByDomain(
  addresses: string[],
  policy: TenantPolicy,
  userDomain: string | undefined,
): DomainRow[] {
  const rows = new Map<string, DomainRow>();
  for (const a of addresses) {
    const d = tryParseMailDomain(a);
    if (!d) continue;
    const row = rows.get(d.ascii) ?? {
      domain: d.ascii,
      displayDomain: d.unicode,
      internal: isInternalDomain(d.ascii, policy, userDomain),
      deletesEncrypted: isInternal(d.ascii, policy.partners?.rejectsEncryptedAttachments ?? []),
      addresses: [],
    };
    if (!row.addresses.includes(a)) row.addresses.push(a);
    rows.set(d.ascii, row);
  }
  return [...rows.values()];
}

function parseSendContext(raw: string | undefined): SendContext | undefined {
  try {
    const c = raw ? (JSON.parse(raw) as SendContext) : undefined;
    return c?.from === "send" ? c : undefined;
  } catch {
    return undefined;
  }
}

export function useCompose(
  mail: PaneMail,
  service: ServiceClient,
  inspect: (b64: string) => InspectionResult,
  onItemChanged: () => void,
) {
  const [state, setState] = useState<ComposeState>({
    loaded: false,
    domains: [],
    attachments: [],
    reachable: true,
    policy: DEFAULT_POLICY,
  });
  const deps: HandlerDeps = useMemo(
    () => ({ mail, service, inspect, failOpen: buildFailOpen() }),
    [mail, service, inspect],
  );
  const generation = useRef(0);
  const pendingTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const refresh = useCallback(async () => {
    const mine = ++generation.current;
    clearTimeout(pendingTimer.current);
    const stale = () => mine !== generation.current;
    const policy = await policyOf(deps, 3000).catch(() => fallbackPolicy(deps));
    const [addresses, attachments, body] = await Promise.all([
      mail.recipientAddresses().catch(() => []),
      mail.attachments().catch(() => [] as AttachmentInfo[]),
      mail.bodyText().catch(() => ""),
    ]);
    const rows = groupByDomain(addresses, policy, mail.userDomain());
    const external = rows.filter((r) => !r.internal).map((r) => r.domain);
    // Show the draft at once with what sessionData already holds, then fill in the rest.
    const known = await readJson<Record<string, CompactReport>>(mail, KEYS.reports, {});
    if (stale()) return;
    setState((s) => ({
      ...s,
      loaded: true,
      domains: rows.map((r) => ({ ...r, report: known[r.domain] })),
      attachments: attachments.filter((a) => !a.isInline).map((a) => ({ ...a, facts: undefined })),
    }));
    const [{ reports, reachable }, findings] = await Promise.all([
      refreshReports(deps, external, 3000, 8000),
      refreshFindings(deps, attachments, 10000),
    ]);
    if (stale()) return;
    const decision = decideCompose({
      domains: external,
      reports,
      attachments,
      findings,
      policy,
      body,
      reachable,
    });
    setState((s) => ({
      ...s,
      loaded: true,
      reachable,
      decision,
      policy,
      domains: rows.map((r) => ({ ...r, report: reports[r.domain] })),
      attachments: attachments.filter((a) => !a.isInline).map((a) => ({ ...a, facts: findings[a.id] })),
    }));
    // A probe still running: ask again shortly (the service answers at once from its cache).
    if (external.some((d) => !reports[d] || reports[d].pending))
      pendingTimer.current = setTimeout(() => void refresh(), 1500);
  }, [deps, mail]);

  useEffect(() => {
    void refresh();
    void mail.initializationContext().then((raw) => {
      const sendContext = parseSendContext(raw);
      if (sendContext) setState((s) => ({ ...s, sendContext }));
    });
    void mail.watch((what) => (what === "item" ? onItemChanged() : void refresh())).catch(() => undefined);
    return () => clearTimeout(pendingTimer.current);
    // The handlers are registered once per item; a new item comes with a new `mail`.
  }, [mail]);

  /** After a fresh probe of one domain: keep its verdict in sessionData for the event runtime too. */
  const storeReport = useCallback(
    async (r: CompactReport) => {
      const reports = await readJson<Record<string, CompactReport>>(mail, KEYS.reports, {});
      reports[r.domain] = compact(r);
      await mail.setSession(KEYS.reports, JSON.stringify(reports)).catch(() => undefined);
      await refresh();
    },
    [mail, refresh],
  );

  return { state, refresh, storeReport };
}
