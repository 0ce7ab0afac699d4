import { Text, Title3, makeStyles } from "@fluentui/react-components";
import { type Lang, t } from "../../core/i18n";

const useStyles = makeStyles({
  section: { display: "flex", flexDirection: "column", gap: "8px" },
  list: { margin: 0, paddingLeft: "1.2em" },
});

/** Partners that delete password-protected attachments (the policy file's list): sends to them stop. */
export function Deleters({ domains, lang }: { domains: string[]; lang: Lang }) {
  const s = useStyles();
  return (
    <section className={s.section} aria-labelledby="deleters-title">
      <Title3 as="h2" id="deleters-title">
        {t(lang, "admin.deleters.title")}
      </Title3>
      <Text>{t(lang, "admin.deleters.note")}</Text>
      {domains.length === 0 ? (
        <Text>{t(lang, "admin.deleters.none")}</Text>
      ) : (
        <ul className={s.list} data-testid="deleters">
          {domains.map((d) => (
            <li key={d}>{d}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
