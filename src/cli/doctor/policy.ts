/**
 * policy: whether MAILTLS_POLICY_FILE and the tenant policies in MAILTLS_POLICY_DIR load, through
 * the loader the service starts (and reloads on SIGHUP) with. Skipped when neither is set.
 */
import { t } from "../../core/i18n";
import { ConfigError } from "../../probe/config";
import { loadPolicy, loadTenantPolicies } from "../../server/config";
import { type Check, verdict } from "./types";

export const policy: Check = async ({ env, lang }) => {
  const file = env.MAILTLS_POLICY_FILE || undefined;
  const dir = env.MAILTLS_POLICY_DIR || undefined;
  if (!file && !dir) return verdict("skip", t(lang, "doctor.policy.unset"));
  try {
    const parts: string[] = [];
    if (file) {
      loadPolicy(file);
      parts.push(t(lang, "doctor.policy.file", { file }));
    }
    if (dir)
      parts.push(t(lang, "doctor.policy.dir", { dir, n: Object.keys(loadTenantPolicies(dir)).length }));
    return verdict("ok", t(lang, "doctor.policy.ok", { what: parts.join(", ") }));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return verdict("fail", t(lang, "doctor.policy.fail", { error: e.message }), t(lang, "doctor.policy.fix"));
  }
};
