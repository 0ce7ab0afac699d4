/**
 * The event handlers the manifest names (FunctionName) and the event bundle associates with
 * Office.actions.associate. These names are a contract with manifest.xml: keep them exactly.
 */
export const HANDLER_NAMES = [
  "onNewMessageComposeHandler",
  "onMessageRecipientsChangedHandler",
  "onMessageAttachmentsChangedHandler",
  "onMessageSendHandler",
] as const;

export type HandlerName = (typeof HANDLER_NAMES)[number];
