import { makeStyles, Text, tokens } from "@fluentui/react-components";
import type { Lang } from "../core/i18n";
import { t } from "../core/i18n";
import { reasonText } from "../core/reasons";

const useStyles = makeStyles({
  list: { margin: 0, paddingLeft: "1.2em", display: "flex", flexDirection: "column", gap: "2px" },
  code: { fontFamily: tokens.fontFamilyMonospace, color: tokens.colorNeutralForeground3 },
});

/** Why a grade is what it is: each reason in words, its code beside it (small) for support. */
export function Reasons({ reasons, lang, size }: { reasons: string[]; lang: Lang; size?: 200 | 300 }) {
  const s = useStyles();
  if (reasons.length === 0) return null;
  return (
    <div>
      <Text size={size} weight="semibold">
        {t(lang, "web.reasons")}
      </Text>
      <ul className={s.list} aria-label={t(lang, "web.reasons")}>
        {reasons.map((r) => (
          <li key={r} data-reason={r}>
            <Text size={size}>{reasonText(lang, r)} </Text>
            <Text size={100} className={s.code}>
              ({r})
            </Text>
          </li>
        ))}
      </ul>
    </div>
  );
}
