export { type Lang, langFromLocale } from "./lang";
export { allMessageKeys, type MessageKey, methodLabel, t } from "./messages";
