/**
 * The event handlers' Outlook for the vm tests and bench:addin: the playground's simulation of
 * Office.js (src/addin/playground/outlookSim.ts — asynchronous callbacks with AsyncResult objects,
 * Outlook's limits on info bars and sessionData), filled from a plain description of a draft, plus
 * Office's single sign-on when asked for.
 */
import { createOutlookSim } from "../../src/addin/playground/outlookSim";

export interface FakeAttachment {
  id: string;
  name: string;
  type?: "file" | "cloud" | "item";
  bytes?: Uint8Array;
  isInline?: boolean;
}

export interface FakeMailbox {
  to: string[];
  cc?: string[];
  bcc?: string[];
  body?: string;
  attachments?: FakeAttachment[];
  displayLanguage?: string;
  user?: string;
  requirementSet?: number; // highest supported Mailbox minor version (default 15)
  failAttachments?: boolean;
  /**
   * Office's single sign-on (`Office.auth.getAccessToken`): a token, or an error code as Office
   * rejects with (13001: nobody signed in). Absent: this client has no SSO.
   */
  sso?: { token: () => Promise<string> } | { errorCode: number };
  /** The add-in's roamingSettings when the draft opens (kept by Outlook across items); changed as it saves. */
  roaming?: Map<string, unknown>;
}

export function fakeOffice(box: FakeMailbox) {
  const sim = createOutlookSim({
    displayLanguage: box.displayLanguage ?? "en-US",
    userEmail: box.user ?? "taro@ours.example",
    mailboxMinor: box.requirementSet ?? 15,
    faults: { attachments: box.failAttachments },
    roaming: box.roaming,
  });
  // Nothing is associated yet, so filling the draft fires no handler.
  void sim.setRecipients("to", box.to);
  void sim.setRecipients("cc", box.cc ?? []);
  void sim.setRecipients("bcc", box.bcc ?? []);
  sim.setBody(box.body ?? "");
  for (const a of box.attachments ?? [])
    sim.addAttachment(a.name, a.bytes ?? new Uint8Array(), { id: a.id, kind: a.type, isInline: a.isInline });

  const tokenRequests: unknown[] = [];
  const sso = box.sso;
  const auth = sso && {
    getAccessToken: (options?: unknown) => {
      tokenRequests.push(options);
      return new Promise<string>((resolve, reject) =>
        setTimeout(() =>
          "token" in sso
            ? sso.token().then(resolve, reject)
            : reject({ code: sso.errorCode, name: "SSO error", message: `error ${sso.errorCode}` }),
        ),
      );
    },
  };
  const Office = auth ? { ...sim.Office, auth } : sim.Office;

  /** The info bars by key, as they are now. */
  const infoBars = {
    get: (key: string) => sim.getSnapshot().infoBars.find((n) => n.key === key),
  };

  /** Fires a handler the way Outlook does, resolving with what it passed to event.completed. */
  const fire = (name: string, timeoutMs = 10000) =>
    new Promise<{ options: Record<string, unknown> | undefined; calls: number }>((resolve, reject) => {
      const fn = sim.associated.get(name);
      if (!fn) return reject(new Error(`${name} was not associated`));
      let calls = 0;
      const timer = setTimeout(() => reject(new Error(`${name} never called event.completed`)), timeoutMs);
      fn({
        type: name,
        completed: (options?: Record<string, unknown>) => {
          calls++;
          clearTimeout(timer);
          // Give a second call (a bug) the chance to show up.
          setTimeout(() => resolve({ options, calls }), 50);
        },
      });
    });
  return {
    Office,
    sim,
    session: sim.sessionData(),
    infoBars,
    associated: sim.associated,
    fire,
    tokenRequests,
  };
}
