declare const __MAILTLS_ENTRA_CLIENT_ID__: string;

/** The Entra app the pane signs in with for OneDrive links, from the build; undefined: none. */
export function entraClientId(): string | undefined {
  return typeof __MAILTLS_ENTRA_CLIENT_ID__ === "string" && __MAILTLS_ENTRA_CLIENT_ID__
    ? __MAILTLS_ENTRA_CLIENT_ID__
    : undefined;
}
