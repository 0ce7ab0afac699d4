import {
  Accordion,
  AccordionHeader,
  AccordionItem,
  AccordionPanel,
  Button,
  Checkbox,
  Field,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Title3,
  Subtitle2,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { ArrowDownload16Regular, ArrowUndo16Regular } from "@fluentui/react-icons";
import { useCallback, useEffect, useState } from "react";
import { type Lang, t } from "../../core/i18n";
import type { Grade } from "../../core/verdict";
import { GradeBadge } from "../../ui/GradeBadge";
import { adminFetch, adminJson, periodQuery } from "./api";

type Words = { ja: string; en: string };
interface Preview {
  generatedAt: string;
  connectors: Array<{ name: string; tlsSettings: string; tlsDomain?: string; domains: string[] }>;
  included: Array<{ domain: string; displayDomain: string; grade: Grade; connector: string; why: Words }>;
  excluded: Array<{ domain: string; displayDomain: string; grade?: Grade; reason: string; why: Words }>;
  rule: { mode: "Audit" | "Enforce" };
  script: string;
}
interface Generations {
  generations: Array<{
    id: string;
    generatedAt: string;
    mode: string;
    partners: number;
    connectors: unknown[];
  }>;
  drift: Array<{ domain: string; grade: Grade; connector: string; why: Words }>;
}

const useStyles = makeStyles({
  section: { display: "flex", flexDirection: "column", gap: "12px", minWidth: 0 },
  row: { display: "flex", gap: "16px", alignItems: "flex-end", flexWrap: "wrap" },
  wrap: { overflowX: "auto" },
  script: {
    maxHeight: "420px",
    overflow: "auto",
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    whiteSpace: "pre",
    margin: 0,
  },
});

const AGES = [1, 3, 7, 14, 30];
const when = (iso: string, lang: Lang) =>
  new Date(iso).toLocaleString(lang === "ja" ? "ja-JP" : "en-GB", {
    dateStyle: "medium",
    timeStyle: "short",
  });
const named = (p: { domain: string; displayDomain: string }) =>
  p.displayDomain && p.displayDomain !== p.domain ? `${p.displayDomain} (${p.domain})` : p.domain;

/** Saves a response as a file, under the name the service gave it. */
async function save(res: Response, fallback: string) {
  const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? fallback;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The Exchange Online generator: options, a preview of who goes in and who stays out (with why),
 * the script itself, its download and its rollback's, what was generated last — and an alert when
 * a partner inside a generated connector no longer qualifies.
 */
export function Exchange({
  lang,
  tenant,
  period,
}: {
  lang: Lang;
  tenant: string;
  period: { from: string; to: string };
}) {
  const s = useStyles();
  const [includeUnverified, setIncludeUnverified] = useState(false);
  const [enforce, setEnforce] = useState(false);
  const [maxAgeDays, setMaxAgeDays] = useState(7);
  const [preview, setPreview] = useState<Preview | undefined>();
  const [gens, setGens] = useState<Generations | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const tq = `tenant=${encodeURIComponent(tenant)}`;
  const options = `${periodQuery({ ...period, tenant })}&maxAgeDays=${maxAgeDays}&includeUnverified=${includeUnverified}&enforce=${enforce}`;

  const load = useCallback(async () => {
    setError(undefined);
    try {
      const [p, g] = await Promise.all([
        adminJson<Preview>(`/api/v1/admin/exchange-config?${options}`),
        adminJson<Generations>(`/api/v1/admin/exchange-config/generations?${tq}`),
      ]);
      setPreview(p);
      setGens(g);
    } catch (e) {
      setError(t(lang, "admin.error", { why: (e as Error).message }));
    }
  }, [options, tq]);
  useEffect(() => void load(), [load]);

  const download = async (rollback: boolean) => {
    setError(undefined);
    setStatus(undefined);
    try {
      const latest = gens?.generations[0]?.id;
      const q = rollback
        ? `${tq}&format=ps1&rollback=true${latest ? `&generation=${latest}` : ""}`
        : `${options}&format=ps1`;
      const res = await adminFetch(`/api/v1/admin/exchange-config?${q}`);
      await save(res, rollback ? "mailtls-exchange-rollback.ps1" : "mailtls-exchange.ps1");
      // The generation just recorded shows before the word that it is.
      await load();
      if (!rollback) setStatus(t(lang, "admin.exchange.downloaded"));
    } catch (e) {
      setError(t(lang, "admin.error", { why: (e as Error).message }));
    }
  };

  const last = gens?.generations[0];
  return (
    <section className={s.section} aria-labelledby="exchange-title" data-testid="exchange">
      <Title3 as="h2" id="exchange-title">
        {t(lang, "admin.exchange.title")}
      </Title3>
      <Text>{t(lang, "admin.exchange.note")}</Text>
      {gens && gens.drift.length > 0 && (
        <MessageBar intent="warning" data-testid="exchange-drift">
          <MessageBarBody>
            <MessageBarTitle>
              {t(lang, "admin.exchange.drift.title", { n: gens.drift.length })}
            </MessageBarTitle>
            {t(lang, "admin.exchange.drift.body")}
            <ul>
              {gens.drift.map((d) => (
                <li key={d.domain}>
                  {d.domain} ({t(lang, `grade.${d.grade}`)}, {d.connector}): {d.why[lang]}
                </li>
              ))}
            </ul>
          </MessageBarBody>
        </MessageBar>
      )}
      <div className={s.row}>
        <Checkbox
          checked={includeUnverified}
          onChange={(_, d) => setIncludeUnverified(d.checked === true)}
          label={t(lang, "admin.exchange.includeUnverified")}
        />
        <Checkbox
          checked={enforce}
          onChange={(_, d) => setEnforce(d.checked === true)}
          label={t(lang, "admin.exchange.enforce")}
        />
        <Field label={t(lang, "admin.exchange.maxAge")}>
          <Select value={String(maxAgeDays)} onChange={(_, d) => setMaxAgeDays(Number(d.value))}>
            {AGES.map((n) => (
              <option key={n} value={n}>
                {t(lang, "admin.exchange.days", { n })}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      <div className={s.row}>
        <Button appearance="primary" icon={<ArrowDownload16Regular />} onClick={() => void download(false)}>
          {t(lang, "admin.exchange.download")}
        </Button>
        <Button icon={<ArrowUndo16Regular />} disabled={!last} onClick={() => void download(true)}>
          {t(lang, "admin.exchange.rollback")}
        </Button>
      </div>
      <Text data-testid="exchange-last">
        {last
          ? t(lang, "admin.exchange.last", {
              at: when(last.generatedAt, lang),
              partners: last.partners,
              connectors: last.connectors.length,
              mode: last.mode,
            })
          : t(lang, "admin.exchange.never")}
      </Text>
      {status && (
        <Text role="status" aria-live="polite">
          {status}
        </Text>
      )}
      {error && (
        <MessageBar intent="error">
          <MessageBarBody>{error}</MessageBarBody>
        </MessageBar>
      )}
      {preview && (
        <>
          <Subtitle2 as="h3">{t(lang, "admin.exchange.included", { n: preview.included.length })}</Subtitle2>
          {preview.included.length === 0 ? (
            <Text>{t(lang, "admin.exchange.none")}</Text>
          ) : (
            <div className={s.wrap}>
              <Table
                data-testid="exchange-included"
                aria-label={t(lang, "admin.exchange.included", { n: preview.included.length })}
              >
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell>{t(lang, "admin.partners.domain")}</TableHeaderCell>
                    <TableHeaderCell>{t(lang, "admin.partners.grade")}</TableHeaderCell>
                    <TableHeaderCell>{t(lang, "admin.exchange.connector")}</TableHeaderCell>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {preview.included.map((p) => (
                    <TableRow key={p.domain} data-domain={p.domain}>
                      <TableCell>{named(p)}</TableCell>
                      <TableCell>
                        <GradeBadge grade={p.grade} lang={lang} />
                      </TableCell>
                      <TableCell>
                        {p.connector}: {p.why[lang]}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </div>
          )}
          <Subtitle2 as="h3">{t(lang, "admin.exchange.excluded", { n: preview.excluded.length })}</Subtitle2>
          {preview.excluded.length === 0 ? (
            <Text>{t(lang, "admin.exchange.none")}</Text>
          ) : (
            <div className={s.wrap}>
              <Table
                data-testid="exchange-excluded"
                aria-label={t(lang, "admin.exchange.excluded", { n: preview.excluded.length })}
              >
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell>{t(lang, "admin.partners.domain")}</TableHeaderCell>
                    <TableHeaderCell>{t(lang, "admin.partners.grade")}</TableHeaderCell>
                    <TableHeaderCell>{t(lang, "admin.exchange.why")}</TableHeaderCell>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {preview.excluded.map((p) => (
                    <TableRow key={p.domain} data-domain={p.domain} data-reason={p.reason}>
                      <TableCell>{named(p)}</TableCell>
                      <TableCell>{p.grade ? <GradeBadge grade={p.grade} lang={lang} /> : "—"}</TableCell>
                      <TableCell>{p.why[lang]}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </div>
          )}
          <Accordion collapsible>
            <AccordionItem value="script">
              <AccordionHeader>{t(lang, "admin.exchange.showScript")}</AccordionHeader>
              <AccordionPanel>
                <pre className={s.script} data-testid="exchange-script" tabIndex={0}>
                  {preview.script}
                </pre>
              </AccordionPanel>
            </AccordionItem>
          </Accordion>
        </>
      )}
    </section>
  );
}
