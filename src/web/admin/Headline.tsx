import { Text, Title1, makeStyles, tokens } from "@fluentui/react-components";
import { type Lang, t } from "../../core/i18n";
import type { Summary } from "./api";

const useStyles = makeStyles({
  box: {
    display: "flex",
    flexDirection: "column",
    gap: "6px",
    padding: "20px",
    borderRadius: tokens.borderRadiusLarge,
    backgroundColor: tokens.colorNeutralBackground2,
  },
  figure: { fontSize: "48px", lineHeight: "56px", fontWeight: tokens.fontWeightBold },
});

const pct = (x: number, lang: Lang) =>
  (x * 100).toLocaleString(lang === "ja" ? "ja-JP" : "en-US", {
    maximumFractionDigits: 1,
    minimumFractionDigits: 1,
  });
const num = (n: number, lang: Lang) => n.toLocaleString(lang === "ja" ? "ja-JP" : "en-US");

/** The figure the board hears: the tenant's partners that accept encrypted mail, with its counts. */
export function Headline({ summary, lang }: { summary: Summary; lang: Lang }) {
  const s = useStyles();
  const { partners, lookups } = summary;
  const g = partners.grades;
  if (partners.total === 0 || partners.encryptedShare === null)
    return (
      <section className={s.box} aria-label={t(lang, "admin.title")} data-testid="headline">
        <Text>{t(lang, "admin.headline.none")}</Text>
      </section>
    );
  const encrypted = g.secure + g.tls;
  const plain = g.partial + g["no-tls"];
  return (
    <section className={s.box} data-testid="headline">
      <Title1 as="h2" className={s.figure} data-testid="encrypted-share">
        {pct(partners.encryptedShare, lang)}%
      </Title1>
      <Text size={500} weight="semibold">
        {t(lang, "admin.headline", {
          share: pct(partners.encryptedShare, lang),
          total: num(partners.total, lang),
        })}
      </Text>
      <Text>
        {t(lang, "admin.headline.counted", {
          counted: num(encrypted + plain, lang),
          encrypted: num(encrypted, lang),
          plain: num(plain, lang),
          other: num(g["no-mail"] + g.unknown, lang),
        })}
      </Text>
      {partners.authenticatedShare !== null && (
        <Text>
          {t(lang, "admin.headline.authenticated", { share: pct(partners.authenticatedShare, lang) })}
        </Text>
      )}
      {lookups.encryptedShare !== null && (
        <Text>
          {t(lang, "admin.headline.lookups", {
            share: pct(lookups.encryptedShare, lang),
            total: num(lookups.total, lang),
          })}
        </Text>
      )}
    </section>
  );
}
