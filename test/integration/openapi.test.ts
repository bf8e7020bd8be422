import SwaggerParser from "@apidevtools/swagger-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
beforeAll(async () => {
  w = await buildWorld();
});
afterAll(() => w.close());

describe("OpenAPI document", () => {
  it("is served without login and validates as OpenAPI 3.1", async () => {
    const res = await w.app.inject({ method: "GET", url: "/openapi.json" });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe("3.1.0");
    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeTruthy();
  });

  it("documents every resource route with its request schema", async () => {
    const doc = (await w.app.inject({ method: "GET", url: "/openapi.json" })).json();
    for (const path of [
      "/api/v1/patients",
      "/api/v1/observations",
      "/api/v1/medications",
      "/api/v1/conditions",
      "/api/v1/clinical-events",
      "/api/v1/studies",
      "/api/v1/products",
      "/api/v1/enrolments",
      "/api/v1/audit",
      "/api/v1/patients/{id}/timeline",
    ])
      expect(Object.keys(doc.paths)).toContain(path);
    const create = doc.paths["/api/v1/patients"].post.requestBody.content["application/json"].schema;
    expect(create.required).toEqual(expect.arrayContaining(["siteId", "birthYear", "sex"]));
  });

  it("describes the cohort results' response, not a default one (issue 13)", async () => {
    const doc = (await w.app.inject({ method: "GET", url: "/openapi.json" })).json();
    const ok = doc.paths["/api/v1/cohorts/outcomes"].get.responses["200"];
    const schema = ok.content["application/json"].schema;
    expect(schema.required).toEqual(
      expect.arrayContaining(["definition", "query", "dataCut", "patients", "summary"]),
    );
    expect(schema.properties.summary.properties.survival.type).toBe("array");
    expect(
      doc.paths["/api/v1/cohorts"].post.responses["201"].content["application/json"].schema.required,
    ).toEqual(expect.arrayContaining(["id", "name", "query"]));
  });

  it("the browsable reference is at /api/docs", async () => {
    const res = await w.app.inject({ method: "GET", url: "/api/docs/" });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("swagger");
  });
});
