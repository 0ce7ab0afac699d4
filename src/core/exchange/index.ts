export * from "./plan";
export {
  BOM,
  exclusionText,
  REJECT_TEXT_MAX,
  rejectText,
  renderRollback,
  renderScript,
  type ScriptOptions,
} from "./script";
