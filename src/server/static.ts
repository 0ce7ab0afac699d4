import helmet from "@fastify/helmet";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ServerConfig } from "./config";
import { API_SECURITY_HEADERS } from "./http/security";

/**
 * The built pages: the online TLS check page at `/` (dist/web) and the add-in under `/addin/`
 * (dist/addin), plus the file that lets classic Outlook's JavaScript-only runtime call this origin.
 */
export async function registerStatic(
  app: FastifyInstance,
  root: string,
  config: ServerConfig,
): Promise<void> {
  // An encapsulated context: Helmet's headers apply to the pages and their files, not to the API.
  await app.register(async (pages) => {
    // The API's headers (set on fastify's reply, which would win over Helmet's on the raw response)
    // make way for the pages' own.
    pages.addHook("onRequest", (_req, reply, done) => {
      for (const name in API_SECURITY_HEADERS) reply.removeHeader(name);
      done();
    });
    await pages.register(helmet, {
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          // Office.js comes from Microsoft's CDN; Fluent UI writes its styles at run time.
          scriptSrc: ["'self'", "https://appsforoffice.microsoft.com"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", "data:"],
          connectSrc: ["'self'"],
          frameAncestors: [
            "'self'",
            "https://*.office.com",
            "https://*.office365.com",
            "https://*.microsoft.com",
            "https://*.cloud.microsoft",
          ],
        },
      },
      // Outlook hosts the add-in's pages in frames from Microsoft's origins.
      frameguard: false,
      crossOriginEmbedderPolicy: false,
    });
    // Source maps would hand out the sources, comments and all: they are not served.
    const allowedPath = (path: string) => !path.endsWith(".map");
    const web = join(root, "web");
    if (existsSync(web))
      await pages.register(fastifyStatic, {
        root: web,
        prefix: "/",
        index: "index.html",
        // /admin → /admin/ (the console's page).
        redirect: true,
        decorateReply: false,
        allowedPath,
      });
    const addin = join(root, "addin");
    if (existsSync(addin))
      await pages.register(fastifyStatic, {
        root: addin,
        prefix: "/addin/",
        decorateReply: false,
        allowedPath,
      });
  });
  app.get("/.well-known/microsoft-officeaddins-allowed.json", { schema: { hide: true } }, async () => ({
    allowed: [`${config.publicUrl}/addin/launchevent.js`, `${config.publicUrl}/addin/commands.html`],
  }));
}
