import {
  Button,
  Field,
  MessageBar,
  MessageBarBody,
  ProgressBar,
  Text,
  Title3,
  makeStyles,
} from "@fluentui/react-components";
import { ArrowDownload16Regular, ArrowUpload16Regular } from "@fluentui/react-icons";
import { useEffect, useRef, useState } from "react";
import { type Lang, t } from "../../core/i18n";
import { AdminProblem, adminFetch, adminJson, type ImportStatus, periodQuery } from "./api";

const useStyles = makeStyles({
  section: { display: "flex", flexDirection: "column", gap: "12px", maxWidth: "720px" },
  row: { display: "flex", gap: "8px", alignItems: "flex-end", flexWrap: "wrap" },
});

/** Export the tenant's partners as CSV; import a partner list, with its progress. */
export function PartnerData({
  lang,
  tenant,
  period,
  onImported,
}: {
  lang: Lang;
  tenant: string;
  period: { from: string; to: string };
  onImported(): void;
}) {
  const s = useStyles();
  const file = useRef<HTMLInputElement>(null);
  const [job, setJob] = useState<ImportStatus | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  // The import's progress, every second while it runs.
  useEffect(() => {
    if (!job || job.state !== "running") return;
    const timer = setTimeout(async () => {
      try {
        const next = await adminJson<ImportStatus>(
          `/api/v1/admin/imports/${job.id}?tenant=${encodeURIComponent(tenant)}`,
        );
        setJob(next);
        if (next.state !== "running") onImported();
      } catch (e) {
        setError(t(lang, "admin.import.failed", { why: (e as Error).message }));
      }
    }, 1000);
    return () => clearTimeout(timer);
  }, [job, tenant]);

  const exportCsv = async () => {
    setError(undefined);
    try {
      const res = await adminFetch(
        `/api/v1/admin/domains?format=csv&limit=10000&${periodQuery({ ...period, tenant })}`,
      );
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement("a");
      a.href = url;
      a.download = `mailtls-partners-${tenant}-${period.to}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setError(t(lang, "admin.error", { why: (e as Error).message }));
    }
  };

  const startImport = async () => {
    const f = file.current?.files?.[0];
    if (!f) return;
    setBusy(true);
    setError(undefined);
    try {
      const res = await adminJson<{ id: string; total: number }>(
        `/api/v1/admin/imports?tenant=${encodeURIComponent(tenant)}`,
        { method: "POST", headers: { "content-type": "text/csv" }, body: f },
      );
      setJob({ id: res.id, total: res.total, done: 0, grades: {}, state: "running" });
    } catch (e) {
      setError(t(lang, "admin.import.failed", { why: e instanceof AdminProblem ? e.message : String(e) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className={s.section} aria-labelledby="data-title">
      <Title3 as="h2" id="data-title">
        {t(lang, "admin.data.title")}
      </Title3>
      <div>
        <Button icon={<ArrowDownload16Regular />} onClick={() => void exportCsv()}>
          {t(lang, "admin.export")}
        </Button>
      </div>
      <div className={s.row}>
        <Field label={t(lang, "admin.import.label")}>
          <input ref={file} type="file" accept=".csv,.txt,text/csv,text/plain" data-testid="import-file" />
        </Field>
        <Button
          icon={<ArrowUpload16Regular />}
          disabled={busy || job?.state === "running"}
          onClick={() => void startImport()}
        >
          {t(lang, "admin.import.button")}
        </Button>
      </div>
      {job && (
        <div data-testid="import-status" data-state={job.state}>
          <ProgressBar
            value={job.total ? job.done / job.total : 0}
            aria-label={t(lang, "admin.import.progress", { done: job.done, total: job.total })}
          />
          <Text role="status" aria-live="polite">
            {job.state === "running"
              ? t(lang, "admin.import.progress", { done: job.done, total: job.total })
              : job.state === "done"
                ? t(lang, "admin.import.done", { total: job.total })
                : t(lang, "admin.import.interrupted", { done: job.done, total: job.total })}
          </Text>
        </div>
      )}
      {error && (
        <MessageBar intent="error">
          <MessageBarBody>{error}</MessageBarBody>
        </MessageBar>
      )}
    </section>
  );
}
