import {
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Text,
  Title2,
  makeStyles,
} from "@fluentui/react-components";
import { useState } from "react";
import { type Lang, t } from "../../core/i18n";
import { AdminProblem, adminJson } from "./api";

const useStyles = makeStyles({
  form: { display: "flex", flexDirection: "column", gap: "12px", maxWidth: "420px" },
});

/** The operator key, checked against the service before it is kept (in this tab only). */
export function SignIn({ lang, onSignedIn }: { lang: Lang; onSignedIn(key: string): void }) {
  const s = useStyles();
  const [key, setKey] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await adminJson("/api/v1/admin/tenants", {}, key.trim());
      onSignedIn(key.trim());
    } catch (err) {
      setError(
        t(lang, "admin.signIn.failed", { why: err instanceof AdminProblem ? err.message : String(err) }),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className={s.form} onSubmit={(e) => void submit(e)} aria-labelledby="signin-title">
      <Title2 as="h2" id="signin-title">
        {t(lang, "admin.signIn.title")}
      </Title2>
      <Field label={t(lang, "admin.signIn.key")} required>
        <Input type="password" value={key} onChange={(_, d) => setKey(d.value)} autoComplete="off" />
      </Field>
      <Text size={200}>{t(lang, "admin.signIn.note")}</Text>
      {error && (
        <MessageBar intent="error">
          <MessageBarBody>{error}</MessageBarBody>
        </MessageBar>
      )}
      <Button appearance="primary" type="submit" disabled={busy || !key.trim()}>
        {t(lang, "admin.signIn.button")}
      </Button>
    </form>
  );
}
