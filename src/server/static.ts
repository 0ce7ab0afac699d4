import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ServerConfig } from "./config";

/**
 * The built pages: the online TLS check page at `/` (dist/web) and the add-in under `/addin/`
 * (dist/addin), plus the file that lets classic Outlook's JavaScript-only runtime call this origin.
 */
export async function registerStatic(
  app: FastifyInstance,
  root: string,
  config: ServerConfig,
): Promise<void> {
  const web = join(root, "web");
  if (existsSync(web))
    await app.register(fastifyStatic, { root: web, prefix: "/", index: "index.html", decorateReply: false });
  const addin = join(root, "addin");
  if (existsSync(addin))
    await app.register(fastifyStatic, { root: addin, prefix: "/addin/", decorateReply: false });
  app.get("/.well-known/microsoft-officeaddins-allowed.json", { schema: { hide: true } }, async () => ({
    allowed: [`${config.publicUrl}/addin/launchevent.js`, `${config.publicUrl}/addin/commands.html`],
  }));
}
