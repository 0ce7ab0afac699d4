/**
 * The compose task pane. In Outlook it uses Office.js from Microsoft's CDN; inside the playground
 * (same origin, in a frame) it uses the playground's simulated Office, so that the real pane runs
 * without Outlook.
 */
import { createRoot } from "react-dom/client";
import { App } from "./App";

interface PlaygroundHost {
  __mailtlsPlayground?: { Office: typeof Office };
}

function playgroundOffice(): typeof Office | undefined {
  try {
    if (window.parent === window) return undefined;
    return (window.parent as unknown as PlaygroundHost).__mailtlsPlayground?.Office;
  } catch {
    return undefined; // a cross-origin parent (Outlook itself): not the playground
  }
}

const simulated = playgroundOffice();
if (simulated) (window as unknown as { Office: typeof Office }).Office = simulated;

const root = createRoot(document.getElementById("root") as HTMLElement);
if (typeof Office === "undefined") {
  // Opened outside Outlook and outside the playground: say so instead of failing silently.
  root.render(<p>MailTLS Guard: open this pane from Outlook, or try /addin/playground.html.</p>);
} else {
  void Office.onReady(() => root.render(<App />));
}
