/**
 * Turning an attachment into a download link, all or nothing: upload (with progress, cancellable),
 * insert the link block, remove the attachment. If a later step fails, the body is put back as it
 * was and the attachment stays, so nothing the user wrote is lost.
 */
import type { Lang } from "../../core/i18n";
import type { TenantPolicy } from "../../core/policy";
import { GraphLinkError, shareViaGraph } from "../graphLinks";
import { linkBlockHtml, linkBlockText, type SharedLink } from "../../core/linkBlock";
import { serviceToken } from "../office";
import { withToken } from "../serviceClient";
import type { PaneMail } from "./officePane";

export class LinkError extends Error {
  constructor(
    readonly code: "cancelled" | "too-large" | "refused" | "upload-failed" | "office-failed",
    message: string,
  ) {
    super(message);
  }
}

function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * POST /api/v1/files on the service that serves the pane (the built-in store). XMLHttpRequest,
 * because fetch cannot report upload progress.
 */
export async function uploadBuiltin(
  bytes: Uint8Array,
  name: string,
  senderDomain: string | undefined,
  onProgress: (fraction: number) => void,
  signal: AbortSignal,
  /** The message's recipients: with a relay on the service, only they can download. */
  recipients: string[] = [],
): Promise<SharedLink> {
  const headers = await withToken({ "content-type": "application/octet-stream" }, serviceToken);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const query =
      `name=${encodeURIComponent(name)}` +
      (senderDomain ? `&from=${encodeURIComponent(senderDomain)}` : "") +
      (recipients.length > 0 ? `&to=${encodeURIComponent(recipients.slice(0, 100).join(","))}` : "");
    xhr.open("POST", `/api/v1/files?${query}`);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.timeout = 10 * 60 * 1000;
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: {
        url?: string;
        name?: string;
        size?: number;
        expiresAt?: string;
        maxDownloads?: number;
        oneTimeCode?: boolean;
        error?: { message?: string };
      } = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON: reported below by status
      }
      if (xhr.status === 201 && body.url && body.expiresAt)
        resolve({
          name: body.name ?? name,
          size: body.size ?? bytes.length,
          url: body.url,
          expiresAt: body.expiresAt,
          maxDownloads: body.maxDownloads ?? 0,
          codeRequired: body.oneTimeCode === true,
        });
      // 401/403: uploads need a verified caller, and the add-in could not sign in.
      else if (xhr.status === 401 || xhr.status === 403)
        reject(new LinkError("refused", body.error?.message ?? `HTTP ${xhr.status}`));
      else reject(new LinkError("upload-failed", body.error?.message ?? `HTTP ${xhr.status}`));
    };
    xhr.onerror = () => reject(new LinkError("upload-failed", "the service could not be reached"));
    xhr.ontimeout = () => reject(new LinkError("upload-failed", "the upload timed out"));
    xhr.onabort = () => reject(new LinkError("cancelled", "cancelled"));
    if (signal.aborted) return reject(new LinkError("cancelled", "cancelled"));
    signal.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  });
}

export type Uploader = typeof uploadBuiltin;

/**
 * OneDrive/SharePoint through Microsoft Graph: the file goes to the user's app folder and the link
 * has the scope the policy names (by default only the message's recipients, signed in).
 */
export function graphUploader(
  policy: TenantPolicy,
  recipients: string[],
  token: () => Promise<string>,
): Uploader {
  return async (bytes, name, _senderDomain, onProgress, signal) => {
    try {
      const r = await shareViaGraph(
        {
          name,
          bytes,
          scope: policy.links.scope,
          recipients,
          expiresAt: new Date(Date.now() + policy.links.expiryHours * 3_600_000),
        },
        { token, onProgress, signal },
      );
      // Graph may grant access directly without an expiry (OneDrive for Business): then claim none.
      return {
        name: r.name,
        size: r.size,
        url: r.url,
        expiresAt: r.expiryConfirmed === false ? "" : r.expiresAt,
      };
    } catch (e) {
      if (!(e instanceof GraphLinkError)) throw e;
      throw new LinkError(
        e.code === "cancelled" ? "cancelled" : e.code === "too-large" ? "too-large" : "upload-failed",
        e.message,
      );
    }
  };
}

export interface ReplaceOptions {
  mail: PaneMail;
  lang: Lang;
  attachment: { id: string; name: string; size: number };
  maxFileMb: number;
  onProgress(fraction: number): void;
  signal: AbortSignal;
  upload?: Uploader;
}

export async function replaceWithLink(o: ReplaceOptions): Promise<SharedLink> {
  const upload = o.upload ?? uploadBuiltin;
  if (o.attachment.size > o.maxFileMb * 1_000_000) throw new LinkError("too-large", `over ${o.maxFileMb} MB`);
  const b64 = await o.mail.attachmentBase64(o.attachment.id);
  if (b64 === undefined) throw new LinkError("office-failed", "this attachment has no file content");
  const link = await upload(
    base64ToBytes(b64),
    o.attachment.name,
    o.mail.userDomain(),
    o.onProgress,
    o.signal,
  );
  if (o.signal.aborted) throw new LinkError("cancelled", "cancelled");
  // From here on, each step can be undone: keep the body as it was.
  const type = await o.mail.bodyType();
  const before = await o.mail.body(type);
  try {
    await o.mail.insertAtCursor(
      type,
      type === "html" ? linkBlockHtml(o.lang, link) : linkBlockText(o.lang, link),
    );
    await o.mail.removeAttachment(o.attachment.id);
  } catch (e) {
    await o.mail.setBody(type, before).catch(() => undefined);
    throw new LinkError("office-failed", (e as Error).message);
  }
  return link;
}
