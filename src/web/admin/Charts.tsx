import { DonutChart, LineChart } from "@fluentui/react-charts";
import {
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Title3,
  makeStyles,
} from "@fluentui/react-components";
import { type Lang, t } from "../../core/i18n";
import { GRADES, type Grade } from "../../core/verdict";
import { GradeBadge } from "../../ui/GradeBadge";
import type { Summary } from "./api";

const useStyles = makeStyles({
  row: { display: "flex", gap: "24px", alignItems: "center", flexWrap: "wrap" },
  list: { listStyle: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: "6px" },
  item: { display: "flex", gap: "8px", alignItems: "center" },
  section: { display: "flex", flexDirection: "column", gap: "12px", minWidth: 0 },
});

/** One colour per grade; the list beside the chart gives each its icon and word (never colour alone). */
const COLOURS: Record<Grade, string> = {
  secure: "#0e700e",
  tls: "#54b054",
  partial: "#e0a000",
  "no-tls": "#c50f1f",
  "no-mail": "#0f6cbd",
  unknown: "#8a8886",
};

export function GradesChart({ summary, lang }: { summary: Summary; lang: Lang }) {
  const s = useStyles();
  const g = summary.partners.grades;
  const shown = GRADES.filter((grade) => g[grade] > 0);
  return (
    <section className={s.section} aria-labelledby="grades-title">
      <Title3 as="h2" id="grades-title">
        {t(lang, "admin.grades.title")}
      </Title3>
      <div className={s.row}>
        {shown.length > 0 && (
          <DonutChart
            data={{
              chartTitle: t(lang, "admin.grades.title"),
              chartData: shown.map((grade) => ({
                legend: t(lang, `grade.${grade}`),
                data: g[grade],
                color: COLOURS[grade],
              })),
            }}
            innerRadius={55}
            width={220}
            height={220}
            hideLegend
            valueInsideDonut={summary.partners.total}
          />
        )}
        <ul className={s.list} data-testid="grades">
          {GRADES.map((grade) => (
            <li key={grade} className={s.item} data-grade-count={grade}>
              <GradeBadge grade={grade} lang={lang} />
              <Text>{t(lang, "admin.grades.count", { n: g[grade] })}</Text>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}

/** The Monday a week "2026-W45" starts on. */
function weekStart(week: string): Date {
  const [y, w] = week.split("-W").map(Number);
  const jan4 = Date.UTC(y, 0, 4);
  const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86_400_000;
  return new Date(monday + (w - 1) * 7 * 86_400_000);
}

export function TrendChart({ summary, lang }: { summary: Summary; lang: Lang }) {
  const s = useStyles();
  const points = summary.weeks
    .filter((w) => w.encryptedShare !== null)
    .map((w) => ({ x: weekStart(w.week), y: Math.round((w.encryptedShare as number) * 1000) / 10 }));
  return (
    <section className={s.section} aria-labelledby="trend-title">
      <Title3 as="h2" id="trend-title">
        {t(lang, "admin.trend.title")}
      </Title3>
      {points.length > 1 && (
        <LineChart
          data={{
            chartTitle: t(lang, "admin.trend.share"),
            lineChartData: [{ legend: t(lang, "admin.trend.share"), data: points, color: COLOURS.tls }],
          }}
          height={240}
          culture={lang === "ja" ? "ja-JP" : "en-US"}
        />
      )}
      <Table size="small" aria-label={t(lang, "admin.trend.title")} data-testid="weeks">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>{t(lang, "admin.trend.week")}</TableHeaderCell>
            <TableHeaderCell>{t(lang, "admin.trend.share")}</TableHeaderCell>
            <TableHeaderCell>{t(lang, "admin.trend.partners")}</TableHeaderCell>
            <TableHeaderCell>{t(lang, "admin.trend.ppap")}</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {summary.weeks.map((w) => (
            <TableRow key={w.week}>
              <TableCell>{w.week}</TableCell>
              <TableCell>
                {w.encryptedShare === null ? "—" : `${(w.encryptedShare * 100).toFixed(1)}%`}
              </TableCell>
              <TableCell>{w.partners}</TableCell>
              <TableCell>{w.passwordAttachments}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </section>
  );
}
