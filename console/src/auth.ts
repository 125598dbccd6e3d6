// Sign-in: the embedded stack's local issuer (pick a demo user), or OIDC authorization code + PKCE against
// Cognito's hosted UI (or any OIDC provider) in AWS. The ID token is the API's bearer token either way.
import { config, type OidcConfig } from "./config";

export interface Me {
  subject: string;
  name: string;
  roles: string[];
  enterprise_id: string | null;
}

const KEY = "chempark.session";

interface Session {
  token: string;
  me: Me;
  expires: number;
}

function read(): Session | null {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? "null") as Session | null;
    return s && s.expires > Date.now() ? s : null;
  } catch {
    return null;
  }
}

export function token(): string | null {
  return read()?.token ?? null;
}

export function me(): Me | null {
  return read()?.me ?? null;
}

export function logout(): void {
  sessionStorage.removeItem(KEY);
  if (!location.hash.startsWith("#/login")) location.hash = "#/login";
}

function expiry(jwt: string): number {
  try {
    const payload = JSON.parse(atob(jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    return payload.exp * 1000;
  } catch {
    return Date.now() + 3600_000;
  }
}

/** Keep a token after asking the API who it belongs to. */
export async function adopt(jwt: string): Promise<Me> {
  const base = config().api_base.replace(/\/$/, "");
  const r = await fetch(`${base || location.origin}/me`, { headers: { Authorization: `Bearer ${jwt}` } });
  if (!r.ok) throw new Error("登录失败：令牌无效或已过期");
  const who = (await r.json()) as Me;
  sessionStorage.setItem(KEY, JSON.stringify({ token: jwt, me: who, expires: expiry(jwt) }));
  return who;
}

export interface LocalUser {
  username: string;
  name: string;
  roles: string[];
  enterprise_id: string | null;
}

export async function localUsers(): Promise<LocalUser[]> {
  const auth = config().auth;
  if (auth.mode !== "local") return [];
  const r = await fetch(auth.users_url);
  if (!r.ok) throw new Error("本地认证服务不可用");
  return ((await r.json()) as { users: LocalUser[] }).users;
}

export async function localLogin(username: string): Promise<Me> {
  const auth = config().auth;
  if (auth.mode !== "local") throw new Error("未启用本地登录");
  const r = await fetch(auth.token_url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username }),
  });
  if (!r.ok) throw new Error("用户不存在");
  return adopt(((await r.json()) as { token: string }).token);
}

async function endpoints(c: OidcConfig): Promise<{ authorize: string; token: string }> {
  if (c.authorization_endpoint && c.token_endpoint) return { authorize: c.authorization_endpoint, token: c.token_endpoint };
  const d = await (await fetch(`${c.authority.replace(/\/$/, "")}/.well-known/openid-configuration`)).json();
  return { authorize: d.authorization_endpoint, token: d.token_endpoint };
}

function b64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function redirectUri(): string {
  return location.origin + location.pathname;
}

export async function oidcLogin(): Promise<void> {
  const c = config().auth as OidcConfig;
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = b64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
  const state = b64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem("chempark.pkce", JSON.stringify({ verifier, state }));
  const { authorize } = await endpoints(c);
  const q = new URLSearchParams({
    response_type: "code",
    client_id: c.client_id,
    redirect_uri: redirectUri(),
    scope: c.scope ?? "openid profile email",
    code_challenge: challenge,
    code_challenge_method: "S256",
    state,
  });
  location.assign(`${authorize}?${q}`);
}

/** Back from the identity provider with ?code=...: exchange it for tokens. */
export async function oidcCallback(): Promise<boolean> {
  const params = new URLSearchParams(location.search);
  const code = params.get("code");
  if (!code || config().auth.mode !== "oidc") return false;
  const c = config().auth as OidcConfig;
  const saved = JSON.parse(sessionStorage.getItem("chempark.pkce") ?? "{}");
  sessionStorage.removeItem("chempark.pkce");
  if (params.get("state") !== saved.state) throw new Error("登录状态校验失败，请重新登录");
  const { token: tokenUrl } = await endpoints(c);
  const r = await fetch(tokenUrl, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: c.client_id,
      code,
      redirect_uri: redirectUri(),
      code_verifier: saved.verifier,
    }),
  });
  if (!r.ok) throw new Error("登录失败：无法换取令牌");
  await adopt(((await r.json()) as { id_token: string }).id_token);
  history.replaceState(null, "", redirectUri() + "#/");
  return true;
}
