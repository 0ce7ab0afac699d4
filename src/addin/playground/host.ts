/**
 * The playground page's side of the contract with the event bundle and the task pane: the global
 * Office, the bridge the pane's iframe reads (window.parent.__mailtlsPlayground), the fetch routing,
 * and loading the bundle script.
 */
import type { OutlookSim } from "./outlookSim";

/** What the pane's page finds on `window.parent.__mailtlsPlayground`. */
export interface PlaygroundBridge {
  readonly Office: typeof Office;
  /** The initialization context the pane was (last) opened with, if any. */
  readonly openedWith?: string;
}

interface PlaygroundWindow {
  Office?: typeof Office;
  __mailtlsPlayground?: PlaygroundBridge;
}

let current: OutlookSim | undefined;

/**
 * Makes `sim` the page's Office. The bridge reads through getters, so a pane (re)loaded after a new
 * simulation or a new context always sees the current one.
 */
export function installSim(sim: OutlookSim): void {
  current = sim;
  const w = window as unknown as PlaygroundWindow;
  w.Office = sim.Office as unknown as typeof Office;
  if (!w.__mailtlsPlayground)
    w.__mailtlsPlayground = {
      get Office(): typeof Office {
        return (current as OutlookSim).Office as unknown as typeof Office;
      },
      get openedWith(): string | undefined {
        return current?.getSnapshot().pane.context;
      },
    };
}

/**
 * The event bundle calls the service URL baked in at build time; the playground talks to the service
 * that serves it, so requests under /api/ go to this page's origin instead.
 */
export function routeApiToThisOrigin(): void {
  const original = window.fetch.bind(window);
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const raw = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    let url: URL;
    try {
      url = new URL(raw, window.location.href);
    } catch {
      return original(input, init);
    }
    if (!url.pathname.startsWith("/api/")) return original(input, init);
    const target = window.location.origin + url.pathname + url.search;
    return original(input instanceof Request ? new Request(target, input) : target, init);
  };
}

/** Adds a script (same origin: the page's CSP allows 'self') and resolves once it has run. */
export function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const el = document.createElement("script");
    el.src = src;
    el.onload = () => resolve();
    el.onerror = () => reject(new Error(`${src} could not be loaded`));
    document.head.appendChild(el);
  });
}
