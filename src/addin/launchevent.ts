/**
 * The event bundle (dist/addin/launchevent.js): one self-contained script, ES2016, no DOM, for
 * classic Outlook's JavaScript-only runtime and the HTML runtime page alike. Every handler calls
 * event.completed on every path.
 */
import { inspectBase64 } from "../core/attachments";
import { HANDLER_NAMES, type HandlerName } from "./handlerNames";
import {
  type HandlerDeps,
  onAttachmentsChanged,
  onRecipientsChanged,
  onSend,
  type SendCompletion,
  undecidedSend,
} from "./handlers";
import { buildFailOpen } from "./entraClient";
import { officeMail, serviceToken } from "./office";
import { serviceClient } from "./serviceClient";

declare const __MAILTLS_PUBLIC_URL__: string;

function deps(): HandlerDeps {
  return {
    mail: officeMail(),
    // With an Entra app in the build, calls carry Office's single sign-on token for it.
    service: serviceClient(__MAILTLS_PUBLIC_URL__, fetch, serviceToken),
    inspect: (b64) => inspectBase64(b64),
    failOpen: buildFailOpen(),
  };
}

type Event = { completed(options?: Record<string, unknown>): void };

function background(run: (d: HandlerDeps) => Promise<void>) {
  return (event: Event) => {
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        event.completed();
      }
    };
    try {
      run(deps()).then(finish, finish);
    } catch {
      finish();
    }
  };
}

function toOffice(c: SendCompletion): Record<string, unknown> {
  const o: Record<string, unknown> = { ...c };
  if (c.sendModeOverride === "promptUser")
    o.sendModeOverride = Office.MailboxEnums.SendModeOverride.PromptUser;
  return o;
}

function onMessageSendHandler(event: Event) {
  let done = false;
  const finish = (options: Record<string, unknown>) => {
    if (!done) {
      done = true;
      event.completed(options);
    }
  };
  // Never leave a send stuck: whatever happens, answer within 4.5 seconds — as the policy says when
  // no decision could be made (the last one received, or the build's default).
  let d: HandlerDeps | undefined;
  const undecided = () => {
    try {
      return toOffice(undecidedSend(d || deps()));
    } catch {
      return { allowEvent: true };
    }
  };
  const guard = setTimeout(() => finish(undecided()), 4500);
  try {
    d = deps();
    onSend(d).then(
      (c) => {
        clearTimeout(guard);
        finish(toOffice(c));
      },
      () => {
        clearTimeout(guard);
        finish(undecided());
      },
    );
  } catch {
    clearTimeout(guard);
    finish(undecided());
  }
}

const handlers: Record<HandlerName, (e: Event) => void> = {
  onNewMessageComposeHandler: background(async (d) => {
    await onRecipientsChanged(d);
    await onAttachmentsChanged(d);
  }),
  onMessageRecipientsChangedHandler: background(onRecipientsChanged),
  onMessageAttachmentsChangedHandler: background(onAttachmentsChanged),
  onMessageSendHandler,
};

for (const name of HANDLER_NAMES) Office.actions.associate(name, handlers[name]);
