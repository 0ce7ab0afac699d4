import { Text, Title3, makeStyles, tokens } from "@fluentui/react-components";
import { type Lang, type MessageKey, t } from "../../core/i18n";
import type { Summary } from "./api";

const useStyles = makeStyles({
  section: { display: "flex", flexDirection: "column", gap: "12px" },
  grid: { display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(180px, 1fr))", gap: "12px" },
  tile: {
    display: "flex",
    flexDirection: "column",
    gap: "4px",
    padding: "12px",
    borderRadius: tokens.borderRadiusMedium,
    border: `1px solid ${tokens.colorNeutralStroke1}`,
  },
  n: { fontSize: "28px", lineHeight: "36px", fontWeight: tokens.fontWeightSemibold },
});

/** What the add-in caught and how the stopped sends went out in the end. */
export function Ppap({ summary, lang }: { summary: Summary; lang: Lang }) {
  const s = useStyles();
  const { sends } = summary;
  const tile = (key: MessageKey, n: number, id: string) => (
    <div className={s.tile} data-figure={id}>
      <Text className={s.n}>{n.toLocaleString(lang === "ja" ? "ja-JP" : "en-US")}</Text>
      <Text>{t(lang, key)}</Text>
    </div>
  );
  return (
    <section className={s.section} aria-labelledby="ppap-title">
      <Title3 as="h2" id="ppap-title">
        {t(lang, "admin.ppap.title")}
      </Title3>
      <div className={s.grid}>
        {tile("admin.ppap.caught", sends.passwordAttachments, "passwordAttachments")}
        {tile("admin.ppap.blocked", sends.blocked, "blocked")}
        {tile("admin.ppap.warned", sends.warned, "warned")}
        {tile("admin.ppap.checked", sends.checked, "checked")}
        {tile("admin.ppap.links", sends.linksInserted, "linksInserted")}
      </div>
      <Title3 as="h3">{t(lang, "admin.ppap.resolved")}</Title3>
      <div className={s.grid}>
        {tile("admin.ppap.resolved.downloadLink", sends.resolved.downloadLink, "downloadLink")}
        {tile("admin.ppap.resolved.plainAttachments", sends.resolved.plainAttachments, "plainAttachments")}
        {tile("admin.ppap.resolved.noAttachments", sends.resolved.noAttachments, "noAttachments")}
      </div>
    </section>
  );
}
