/** What the build decided (webpack's DefinePlugin; absent in tests, which get the defaults). */
declare const __MAILTLS_ENTRA_CLIENT_ID__: string;

/**
 * The add-in's Entra app from the build (MAILTLS_ENTRA_CLIENT_ID); undefined: none. With it the
 * manifest declares single sign-on, the add-in sends the service Office's token for the app, and the
 * pane can sign in to OneDrive (nested app authentication).
 */
export function entraClientId(): string | undefined {
  return typeof __MAILTLS_ENTRA_CLIENT_ID__ === "string" && __MAILTLS_ENTRA_CLIENT_ID__
    ? __MAILTLS_ENTRA_CLIENT_ID__
    : undefined;
}

declare const __MAILTLS_FAIL_OPEN__: boolean;

/**
 * The build's MAILTLS_FAIL_OPEN (default true): what the add-in does when the service cannot be
 * reached before it ever received a policy. After that, the last policy's `failOpen` decides.
 */
export function buildFailOpen(): boolean {
  return typeof __MAILTLS_FAIL_OPEN__ === "boolean" ? __MAILTLS_FAIL_OPEN__ : true;
}
