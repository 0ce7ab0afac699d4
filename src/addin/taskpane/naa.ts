/**
 * A Microsoft Graph token for the signed-in Outlook user through nested app authentication (NAA):
 * Outlook brokers the sign-in, so the pane needs no redirect page of its own. Silent first; a popup
 * only when Entra needs the user (first consent, MFA). The client ID comes from the build
 * (MAILTLS_ENTRA_CLIENT_ID); without it the OneDrive provider is off.
 */
import { createNestablePublicClientApplication, type IPublicClientApplication } from "@azure/msal-browser";

import { entraClientId } from "../entraClient";

const SCOPES = ["Files.ReadWrite"];

let app: Promise<IPublicClientApplication> | undefined;

function client(clientId: string): Promise<IPublicClientApplication> {
  app ??= createNestablePublicClientApplication({
    auth: { clientId, authority: "https://login.microsoftonline.com/common" },
  });
  return app;
}

export async function graphToken(): Promise<string> {
  const clientId = entraClientId();
  if (!clientId) throw new Error("no Entra client ID was built in (MAILTLS_ENTRA_CLIENT_ID)");
  const pca = await client(clientId);
  try {
    return (await pca.acquireTokenSilent({ scopes: SCOPES })).accessToken;
  } catch {
    // As Microsoft's NAA guidance does: when the silent request fails for any reason (no cached
    // account yet, consent or MFA needed), ask the user once in a popup.
    return (await pca.acquireTokenPopup({ scopes: SCOPES })).accessToken;
  }
}
