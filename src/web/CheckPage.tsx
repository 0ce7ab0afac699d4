import {
  Button,
  Field,
  Input,
  Link,
  MessageBar,
  MessageBarBody,
  Spinner,
  Text,
  Textarea,
  Title1,
  Title3,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useCallback, useEffect, useRef, useState } from "react";
import { type MailDomain, tryParseMailDomain } from "../core/domain";
import { type Lang, type MessageKey, t } from "../core/i18n";
import { partnerRequest } from "../core/partnerRequest";
import type { DomainReport } from "../core/verdict";
import { GradeBadge } from "../ui/GradeBadge";
import { Reasons } from "../ui/Reasons";
import { ApiProblem, fetchReport } from "../ui/api";
import { MxTable } from "../ui/MxTable";

const useStyles = makeStyles({
  page: {
    maxWidth: "960px",
    margin: "0 auto",
    padding: "24px",
    display: "flex",
    flexDirection: "column",
    gap: "16px",
  },
  header: { display: "flex", justifyContent: "space-between", alignItems: "center", gap: "12px" },
  form: { display: "flex", gap: "8px", alignItems: "flex-end", flexWrap: "wrap" },
  input: { minWidth: "320px", flexGrow: 1 },
  verdict: {
    display: "flex",
    flexDirection: "column",
    gap: "12px",
    padding: "16px",
    borderRadius: tokens.borderRadiusMedium,
    border: `1px solid ${tokens.colorNeutralStroke1}`,
  },
  headline: { display: "flex", gap: "12px", alignItems: "center", flexWrap: "wrap" },
});

type State =
  | { kind: "idle" }
  | { kind: "checking"; domain: string }
  | { kind: "done"; report: DomainReport }
  | { kind: "error"; message: string };

export function CheckPage({ lang, onToggleLang }: { lang: Lang; onToggleLang(): void }) {
  const s = useStyles();
  const [input, setInput] = useState(() => new URLSearchParams(window.location.search).get("domain") ?? "");
  const [inputError, setInputError] = useState<string | undefined>();
  const [state, setState] = useState<State>({ kind: "idle" });
  const [copied, setCopied] = useState<"ok" | "failed" | undefined>();
  const running = useRef<AbortController | undefined>(undefined);

  const run = useCallback(
    async (d: MailDomain) => {
      running.current?.abort();
      const ac = new AbortController();
      running.current = ac;
      setCopied(undefined);
      setState({ kind: "checking", domain: d.unicode });
      const url = new URL(window.location.href);
      url.searchParams.set("domain", d.unicode);
      window.history.replaceState(null, "", url);
      try {
        const report = await fetchReport(d.ascii, ac.signal);
        if (!ac.signal.aborted) setState({ kind: "done", report });
      } catch (e) {
        if (ac.signal.aborted) return;
        setState({
          kind: "error",
          message: e instanceof ApiProblem ? e.message : String((e as Error).message ?? e),
        });
      }
    },
    [setState],
  );

  const submit = (ev?: React.FormEvent) => {
    ev?.preventDefault();
    const d = tryParseMailDomain(input);
    if (!d) {
      setInputError(t(lang, "error.invalidDomain", { input, why: "" }).replace(/\s*（）|\s*\(\)/, ""));
      return;
    }
    setInputError(undefined);
    void run(d);
  };

  // Deep link: /?domain=example.co.jp checks at once (on the first render only).
  useEffect(() => {
    const d = tryParseMailDomain(input);
    if (input && d) void run(d);
  }, []);

  const copy = async (report: DomainReport) => {
    try {
      await navigator.clipboard.writeText(partnerRequest(lang, report));
      setCopied("ok");
    } catch {
      setCopied("failed");
    }
  };

  return (
    <main className={s.page}>
      <div className={s.header}>
        <Title1 as="h1">{t(lang, "web.title")}</Title1>
        <Button
          appearance="subtle"
          onClick={onToggleLang}
          aria-label={t(lang, "web.language.label")}
          lang={lang === "ja" ? "en" : "ja"}
        >
          {t(lang, "web.language")}
        </Button>
      </div>
      <Text>{t(lang, "web.intro")}</Text>
      <form className={s.form} onSubmit={submit} role="search">
        <Field
          className={s.input}
          label={t(lang, "web.input.label")}
          validationMessage={inputError}
          validationState={inputError ? "error" : "none"}
        >
          <Input
            name="domain"
            value={input}
            onChange={(_, data) => setInput(data.value)}
            placeholder={t(lang, "web.input.placeholder")}
            autoComplete="off"
            spellCheck={false}
          />
        </Field>
        <Button appearance="primary" type="submit" disabled={state.kind === "checking"}>
          {t(lang, "web.check")}
        </Button>
      </form>
      <section aria-live="polite" aria-busy={state.kind === "checking"}>
        {state.kind === "checking" && <Spinner label={t(lang, "web.checking", { domain: state.domain })} />}
        {state.kind === "error" && (
          <MessageBar intent="error">
            <MessageBarBody>{t(lang, "web.error", { message: state.message })}</MessageBarBody>
          </MessageBar>
        )}
        {state.kind === "done" && (
          <div className={s.verdict} data-testid="verdict">
            <div className={s.headline}>
              <GradeBadge grade={state.report.grade} lang={lang} pending={state.report.pending} />
              <Title3 as="h2">
                {state.report.displayDomain}
                {state.report.displayDomain !== state.report.domain ? ` (${state.report.domain})` : ""}
              </Title3>
            </div>
            <Text data-testid="meaning">{t(lang, `grade.${state.report.grade}.meaning` as MessageKey)}</Text>
            {state.report.pending && <Text>{t(lang, "web.pending")}</Text>}
            {state.report.mx.length > 0 && <MxTable report={state.report} lang={lang} />}
            <Reasons reasons={state.report.reasons} lang={lang} />
            <Text size={200}>
              {t(lang, "web.checkedAt", {
                at: new Date(state.report.checkedAt).toLocaleString(lang === "ja" ? "ja-JP" : "en-GB"),
              })}
            </Text>
            {(state.report.grade === "no-tls" || state.report.grade === "partial") && (
              <div>
                <Button onClick={() => void copy(state.report)}>{t(lang, "web.copyRequest")}</Button>
                {copied === "ok" && <Text role="status"> {t(lang, "web.copied")}</Text>}
                {copied === "failed" && (
                  <Field label={t(lang, "web.copyFailed")}>
                    <Textarea readOnly value={partnerRequest(lang, state.report)} rows={10} />
                  </Field>
                )}
              </div>
            )}
          </div>
        )}
      </section>
      <footer>
        <Text size={200}>
          MailTLS Guard · <Link href="/openapi.json">API</Link>
        </Text>
      </footer>
    </main>
  );
}
