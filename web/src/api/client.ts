/**
 * The one way the app talks to the server: JSON over /api/v1 with the session cookie, the CSRF
 * token on writes, and problem+json turned into ApiError. When the session has expired (401), the
 * request waits while the user logs in again (see auth/session.tsx) and is then sent once more, so
 * a half-filled form is never lost.
 */

/** One problem in the request: where (`in` body/query/params, `pointer` a JSON Pointer) and what. */
export interface ProblemIssue {
  in?: string;
  pointer: string;
  detail: string;
  /** stable code of the issue (zod's too_big, invalid_value …, or the server's own) */
  code?: string;
  /** the bound broken by a too_big / too_small issue */
  limit?: number;
  inclusive?: boolean;
}

export interface Problem {
  /** stable URI per error code, e.g. https://vein2vein.org/problems/rule-violation */
  type?: string;
  title?: string;
  detail?: string;
  status?: number;
  code?: string;
  rule?: string;
  errors?: ProblemIssue[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = "ApiError";
  }
}

let csrfToken: string | null = null;
let reauthenticate: (() => Promise<void>) | null = null;
let reauthInFlight: Promise<void> | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Installed by the session provider: shows the log-in-again dialog, resolves once logged in. */
export function onSessionExpired(handler: (() => Promise<void>) | null): void {
  reauthenticate = handler;
}

type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

interface RequestOptions {
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
}

async function send(method: string, url: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json", ...options.headers };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
  return fetch(url, {
    method,
    headers,
    credentials: "same-origin",
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
}

async function problemOf(res: Response): Promise<Problem> {
  try {
    return (await res.json()) as Problem;
  } catch {
    return { title: res.statusText, status: res.status };
  }
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const url = withQuery(path, options.query);
  let res = await send(method, url, options);
  if (res.status === 401 && reauthenticate && !path.startsWith("/api/v1/auth/")) {
    // Concurrent requests that hit the expiry share one dialog.
    reauthInFlight ??= reauthenticate().finally(() => {
      reauthInFlight = null;
    });
    await reauthInFlight;
    res = await send(method, url, options); // with the new session's CSRF token
  }
  if (!res.ok) throw new ApiError(res.status, await problemOf(res));
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>("GET", path, query ? { query } : {}),
  post: <T>(path: string, body?: unknown) => request<T>("POST", path, { body }),
  put: <T>(path: string, body: unknown) => request<T>("PUT", path, { body }),
  patch: <T>(path: string, body: unknown, version?: number) =>
    request<T>("PATCH", path, {
      body,
      ...(version !== undefined ? { headers: { "if-match": `"${version}"` } } : {}),
    }),
};

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Follows nextCursor until the end (or `max` items) for lists the screens show whole. */
export async function getAll<T>(path: string, query: Query = {}, max = 5000): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null | undefined;
  do {
    const page: Page<T> = await api.get<Page<T>>(path, {
      ...query,
      limit: 1000,
      cursor: cursor ?? undefined,
    });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return items;
}
