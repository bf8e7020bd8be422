/**
 * A database that cannot be reached is a 503 the client may retry, not a 500 (src/http/problem.ts):
 * Node's socket errors on the database's connection, PostgreSQL's connection SQLSTATEs (PostgreSQL
 * documentation, Appendix A: class 08, 53300, 57P01–57P03) and node-postgres's "Connection
 * terminated". Other failures keep their own status.
 */
import type { FastifyRequest } from "fastify";
import { describe, expect, it } from "vitest";
import { problemFor } from "../../src/http/problem.ts";

const request = { url: "/api/v1/worklist", id: "req-1" } as FastifyRequest;
const withCode = (code: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`failed: ${code}`), { code, ...extra });
const statusOf = (error: unknown) => problemFor(error, request).status;

describe("a database that cannot be reached", () => {
  it.each([
    ["refused", withCode("ECONNREFUSED", { syscall: "connect" })],
    ["host not found", withCode("ENOTFOUND", { syscall: "getaddrinfo" })],
    ["reset on the database's socket", withCode("ECONNRESET", { syscall: "read" })],
    ["08006 connection_failure", withCode("08006")],
    ["08001 sqlclient_unable_to_establish_sqlconnection", withCode("08001")],
    ["53300 too_many_connections", withCode("53300")],
    ["57P01 admin_shutdown", withCode("57P01")],
    ["57P02 crash_shutdown", withCode("57P02")],
    ["57P03 cannot_connect_now", withCode("57P03")],
    ["a connection node-postgres saw end", new Error("Connection terminated unexpectedly")],
    [
      "a client left unqueryable",
      new Error("Client has encountered a connection error and is not queryable"),
    ],
  ])("%s is a 503 database-unavailable, worded for a retry", (_, error) => {
    const problem = problemFor(error, request);
    expect(problem).toMatchObject({
      type: "https://vein2vein.org/problems/database-unavailable",
      title: "Database unavailable",
      status: 503,
      requestId: "req-1",
    });
    expect(problem.detail).toMatch(/cannot be reached.*check whether it was saved/);
  });

  it("everything else keeps its status", () => {
    // a request its client aborted: ECONNRESET without a system call, not the database
    expect(statusOf(withCode("ECONNRESET"))).toBe(500);
    expect(statusOf(withCode("57014"))).toBe(500); // query_canceled: not a connection failure
    expect(statusOf(withCode("23505"))).toBe(409);
    expect(statusOf(withCode("22P02"))).toBe(400);
    expect(statusOf(new Error("Connection refused by a rule of ours"))).toBe(500);
  });
});
