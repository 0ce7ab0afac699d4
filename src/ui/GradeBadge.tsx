import { Badge, type BadgeProps } from "@fluentui/react-components";
import {
  CheckmarkCircle16Regular,
  ErrorCircle16Regular,
  LockClosed16Regular,
  MailOff16Regular,
  QuestionCircle16Regular,
  ShieldCheckmark16Regular,
  Warning16Regular,
} from "@fluentui/react-icons";
import { type Lang, type MessageKey, t } from "../core/i18n";
import type { Grade } from "../core/verdict";

const LOOK: Record<Grade, { color: BadgeProps["color"]; icon: JSX.Element }> = {
  secure: { color: "success", icon: <ShieldCheckmark16Regular /> },
  tls: { color: "success", icon: <LockClosed16Regular /> },
  partial: { color: "warning", icon: <Warning16Regular /> },
  "no-tls": { color: "danger", icon: <ErrorCircle16Regular /> },
  "no-mail": { color: "informative", icon: <MailOff16Regular /> },
  unknown: { color: "subtle", icon: <QuestionCircle16Regular /> },
};

/** A grade as icon and word, never colour alone. */
export function GradeBadge({ grade, lang, pending }: { grade: Grade; lang: Lang; pending?: boolean }) {
  const look = LOOK[grade];
  return (
    <Badge
      appearance="filled"
      color={look.color}
      icon={pending ? <CheckmarkCircle16Regular /> : look.icon}
      size="large"
      data-grade={grade}
      aria-label={t(lang, `grade.${grade}` as MessageKey)}
    >
      {t(lang, `grade.${grade}` as MessageKey)}
    </Badge>
  );
}
