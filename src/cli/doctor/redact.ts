/** A URL as it may be printed: any password in it replaced by "***". */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = "***";
    return url.toString().replace(/\/$/, "");
  } catch {
    return raw.replace(/:[^:@/]*@/, ":***@");
  }
}
