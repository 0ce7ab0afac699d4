import {
  Button,
  Field,
  MessageBar,
  MessageBarBody,
  Select,
  Spinner,
  makeStyles,
} from "@fluentui/react-components";
import { useCallback, useEffect, useState } from "react";
import { type Lang, t } from "../../core/i18n";
import { adminJson, type PartnerRow, periodQuery, type Summary } from "./api";
import { GradesChart, TrendChart } from "./Charts";
import { Deleters } from "./Deleters";
import { Exchange } from "./Exchange";
import { Headline } from "./Headline";
import { PartnerData } from "./PartnerData";
import { Partners } from "./Partners";
import { Ppap } from "./Ppap";

const useStyles = makeStyles({
  bar: { display: "flex", gap: "12px", alignItems: "flex-end", flexWrap: "wrap" },
  grid: {
    display: "grid",
    gridTemplateColumns: "repeat(auto-fit, minmax(420px, 1fr))",
    gap: "24px",
    alignItems: "start",
  },
});

const PERIODS = [7, 30, 90, 365];
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The console once signed in: the tenant and period, then its figures. */
export function Dashboard({ lang, onSignOut }: { lang: Lang; onSignOut(): void }) {
  const s = useStyles();
  const [tenants, setTenants] = useState<string[]>([]);
  const [tenant, setTenant] = useState(() => new URLSearchParams(window.location.search).get("tenant") ?? "");
  const [days, setDays] = useState(30);
  const [summary, setSummary] = useState<Summary | undefined>();
  const [partners, setPartners] = useState<PartnerRow[]>([]);
  const [deleters, setDeleters] = useState<string[]>([]);
  const [error, setError] = useState<string | undefined>();
  const [loading, setLoading] = useState(false);
  const today = Date.now();
  const period = { from: day(today - (days - 1) * 86_400_000), to: day(today) };

  useEffect(() => {
    adminJson<{ tenants: string[] }>("/api/v1/admin/tenants").then(
      (r) => {
        setTenants(r.tenants);
        setTenant((cur) => (cur && r.tenants.includes(cur) ? cur : (r.tenants[0] ?? "default")));
      },
      (e: Error) => setError(t(lang, "admin.error", { why: e.message })),
    );
  }, []);

  const load = useCallback(async () => {
    if (!tenant) return;
    setLoading(true);
    setError(undefined);
    try {
      const q = periodQuery({ ...period, tenant });
      const [sum, unencrypted, policy] = await Promise.all([
        adminJson<Summary>(`/api/v1/admin/summary?${q}`),
        adminJson<{ domains: PartnerRow[] }>(
          `/api/v1/admin/domains?${q}&grade=no-tls&grade=partial&limit=200`,
        ),
        adminJson<{ partners?: { rejectsEncryptedAttachments?: string[] } }>(
          `/api/v1/admin/policy?tenant=${encodeURIComponent(tenant)}`,
        ),
      ]);
      setSummary(sum);
      setPartners(unencrypted.domains);
      setDeleters(policy.partners?.rejectsEncryptedAttachments ?? []);
    } catch (e) {
      setError(t(lang, "admin.error", { why: (e as Error).message }));
    } finally {
      setLoading(false);
    }
  }, [tenant, days]);
  useEffect(() => void load(), [load]);

  return (
    <>
      <div className={s.bar}>
        <Field label={t(lang, "admin.tenant")}>
          <Select value={tenant} onChange={(_, d) => setTenant(d.value)} data-testid="tenant">
            {tenants.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t(lang, "admin.period")}>
          <Select value={String(days)} onChange={(_, d) => setDays(Number(d.value))}>
            {PERIODS.map((n) => (
              <option key={n} value={n}>
                {t(lang, "admin.period.days", { n })}
              </option>
            ))}
          </Select>
        </Field>
        <Button onClick={onSignOut}>{t(lang, "admin.signOut")}</Button>
      </div>
      {error && (
        <MessageBar intent="error">
          <MessageBarBody>{error}</MessageBarBody>
        </MessageBar>
      )}
      {loading && !summary && <Spinner label={t(lang, "admin.loading")} />}
      {summary && (
        <>
          <Headline summary={summary} lang={lang} />
          <div className={s.grid}>
            <GradesChart summary={summary} lang={lang} />
            <TrendChart summary={summary} lang={lang} />
          </div>
          <Ppap summary={summary} lang={lang} />
          <Partners
            rows={partners}
            lang={lang}
            tenant={tenant}
            onChecked={(r) =>
              setPartners((rows) =>
                rows.map((p) =>
                  p.domain === r.domain ? { ...p, grade: r.grade, checkedAt: r.checkedAt } : p,
                ),
              )
            }
          />
          <Deleters domains={deleters} lang={lang} />
          <Exchange lang={lang} tenant={tenant} period={period} />
          <PartnerData lang={lang} tenant={tenant} period={period} onImported={() => void load()} />
        </>
      )}
    </>
  );
}
