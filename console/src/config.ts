// Runtime configuration, served beside the build as config.json: the embedded stack writes one for the local
// issuer, the CDK stack one for Cognito (OIDC). The same build runs in both.

export interface OidcConfig {
  mode: "oidc";
  authority: string; // issuer URL (Cognito: https://cognito-idp.<region>.amazonaws.com/<pool id>)
  client_id: string;
  scope?: string;
  authorization_endpoint?: string; // when the issuer has no discovery document
  token_endpoint?: string;
}

export interface LocalAuthConfig {
  mode: "local";
  users_url: string; // the local issuer's users
  token_url: string; // a token for one of them
}

export interface ConsoleConfig {
  api_base: string; // "" = same origin
  auth: LocalAuthConfig | OidcConfig;
  park_center?: [number, number]; // lon, lat: where the map opens before the layers arrive
}

const DEFAULTS: ConsoleConfig = {
  api_base: "",
  auth: { mode: "local", users_url: "auth/users", token_url: "auth/token" },
};

let loaded: ConsoleConfig = DEFAULTS;

export async function loadConfig(): Promise<ConsoleConfig> {
  try {
    const r = await fetch("config.json", { cache: "no-store" });
    if (r.ok) loaded = { ...DEFAULTS, ...((await r.json()) as Partial<ConsoleConfig>) };
  } catch {
    loaded = DEFAULTS;
  }
  return loaded;
}

export function config(): ConsoleConfig {
  return loaded;
}
