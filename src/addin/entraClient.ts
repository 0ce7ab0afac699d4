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
