/**
 * The playground page: the simulated Office becomes the page's global Office, the real event bundle
 * (launchevent.js, next to this page) loads and associates its handlers with it, the new-message event
 * fires, and the compose window renders.
 */
import { createRoot } from "react-dom/client";
import { loadScript, routeApiToThisOrigin } from "./host";
import { Playground } from "./Playground";
import { settingsFromUrl, startSimulation } from "./session";

async function main() {
  const settings = settingsFromUrl(window.location.search, navigator.language);
  document.documentElement.lang = settings.lang;
  routeApiToThisOrigin();
  const sim = startSimulation(settings);
  let bundleError = false;
  try {
    await loadScript("launchevent.js");
  } catch {
    bundleError = true;
  }
  void sim.start();
  createRoot(document.getElementById("root") as HTMLElement).render(
    <Playground initialSettings={settings} initialSim={sim} bundleError={bundleError} />,
  );
}

void main();
