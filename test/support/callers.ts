/**
 * Requests as a caller other than the world's fixture tokens: with a bearer token made in the test,
 * or through a browser session opened by logging in (cookie and CSRF header), for the tests of
 * tokens and sessions themselves.
 */
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { expect } from "vitest";
import { PASSWORD } from "./world.ts";

type Call = (method: string, url: string, body?: unknown) => Promise<LightMyRequestResponse>;

/** A request with `headers`, and a JSON body when given. */
const requestWith =
  (app: FastifyInstance, headers: Record<string, string>): Call =>
  (method, url, body) =>
    app.inject({
      method: method as "GET",
      url,
      headers,
      ...(body === undefined ? {} : { payload: body as object }),
    });

/** Requests with this bearer token. */
export const bearerCaller = (app: FastifyInstance, token: string): Call =>
  requestWith(app, { authorization: `Bearer ${token}` });

/** Logs `username` in (the world's password) and returns requests in that session. */
export async function sessionCaller(app: FastifyInstance, username: string): Promise<Call> {
  const res = await app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    payload: { username, password: PASSWORD },
  });
  expect(res.statusCode, res.body).toBe(200);
  const cookie = res.cookies.find((c) => c.name === "v2v_session")!;
  return requestWith(app, {
    cookie: `v2v_session=${cookie.value}`,
    "x-csrf-token": res.json().csrfToken as string,
  });
}
