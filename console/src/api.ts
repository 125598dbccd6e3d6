// The REST API: bearer token from the session, the project's error shape turned into a zh-CN message.
import { config } from "./config";
import { logout, token } from "./auth";

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
  ) {
    super(message);
  }
}

export function apiUrl(path: string): string {
  if (/^https?:/.test(path)) return path;
  const base = config().api_base.replace(/\/$/, "");
  return base ? `${base}${path}` : new URL(path, window.location.origin).toString();
}

export async function api<T = any>(path: string, method = "GET", body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  const t = token();
  if (t) headers.Authorization = `Bearer ${t}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const r = await fetch(apiUrl(path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  const data = text ? JSON.parse(text) : null;
  if (!r.ok) {
    if (r.status === 401) logout();
    throw new ApiError(r.status, data?.code ?? "HTTP_ERROR", data?.message ?? `请求失败（${r.status}）`);
  }
  return data as T;
}

/** Every page of a paged list (items + next_cursor), up to `max` items. */
export async function all<T = any>(path: string, max = 500): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const page: { items: T[]; next_cursor?: string | null } = await api(
      cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path,
    );
    out.push(...page.items);
    cursor = page.next_cursor ?? null;
  } while (cursor && out.length < max);
  return out;
}
