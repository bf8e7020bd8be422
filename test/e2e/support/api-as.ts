/**
 * The HTTP API as one demo user, for setting up and checking what the browser tests do (the
 * browser itself only ever uses the screens): logs in once, keeps the session cookie and sends
 * the CSRF token on writes, as the web app does.
 */
export interface ApiAs {
  userId: string;
  call: <T = unknown>(method: string, path: string, body?: unknown) => Promise<{ status: number; body: T }>;
  get: <T = unknown>(path: string) => Promise<T>;
  post: <T = unknown>(path: string, body?: unknown) => Promise<T>;
}

export async function apiAs(baseUrl: string, username: string, password: string): Promise<ApiAs> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.getSetCookie?.() ?? [res.headers.get("set-cookie") ?? ""])
    .map((c) => c.split(";")[0])
    .join("; ");
  const answer = (await res.json()) as { user: { id: string }; csrfToken: string };
  const call = async <T>(method: string, path: string, body?: unknown) => {
    const r = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        cookie,
        accept: "application/json",
        ...(method !== "GET" ? { "x-csrf-token": answer.csrfToken } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    return { status: r.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const ok = async <T>(method: string, path: string, body?: unknown) => {
    const r = await call<T>(method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  return {
    userId: answer.user.id,
    call,
    get: (path) => ok("GET", path),
    post: (path, body) => ok("POST", path, body),
  };
}
