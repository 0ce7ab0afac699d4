import { createServer } from "node:http";
import { exportJWK, generateKeyPair, SignJWT } from "jose";

export interface EntraStandIn {
  /** The JWKS endpoint (MAILTLS_ENTRA_JWKS_URL). */
  jwksUrl: string;
  /**
   * A token signed with the stand-in's key: a delegated one for the add-in's API (`scp`
   * access_as_user) unless `claims` say otherwise; issuer Entra's v2 issuer for `claims.tid` unless given.
   */
  sign(
    claims: Record<string, unknown>,
    opts?: { exp?: string | null; aud?: string; iss?: string },
  ): Promise<string>;
  close(): void;
}

/** A local JWKS endpoint that stands in for Entra's, and tokens signed with its key. */
export async function startEntraStandIn(audience: string): Promise<EntraStandIn> {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "test-key", alg: "RS256", use: "sig" };
  const server = createServer((_req, res) =>
    res.setHeader("content-type", "application/json").end(JSON.stringify({ keys: [jwk] })),
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const addr = server.address();
  return {
    jwksUrl: `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}/keys`,
    sign: (claims, opts = {}) => {
      const jwt = new SignJWT({ scp: "access_as_user", ...claims })
        .setProtectedHeader({ alg: "RS256", kid: "test-key" })
        .setIssuer(opts.iss ?? `https://login.microsoftonline.com/${String(claims.tid)}/v2.0`)
        .setAudience(opts.aud ?? audience)
        .setIssuedAt();
      // exp: null signs a token that never expires.
      return (opts.exp === null ? jwt : jwt.setExpirationTime(opts.exp ?? "10m")).sign(privateKey);
    },
    close: () => server.close(),
  };
}
