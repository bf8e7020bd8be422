/**
 * The OpenAPI document without a server or a database: the app is built on a database that
 * refuses every use (describing the routes reads none), asked for its document and closed.
 * Used by `npm run api:types` and by the tests that lint the document and compare the generated
 * web types with it.
 */
import type { Database } from "../store/database.ts";
import { buildApp } from "./app.ts";

const refuse = (): never => {
  throw new Error("The OpenAPI document is built without a database.");
};
const noDatabase: Database = {
  kind: "pglite",
  location: "none",
  get db(): Database["db"] {
    return refuse();
  },
  get reports(): Database["reports"] {
    return refuse();
  },
  session: refuse,
  observeQueries: refuse,
  close: async () => {},
};

export async function openApiDocument(): Promise<Record<string, unknown>> {
  const app = await buildApp({ database: noDatabase, version: "0.1.0" });
  try {
    await app.ready();
    return structuredClone(app.swagger()) as unknown as Record<string, unknown>;
  } finally {
    await app.close();
  }
}
