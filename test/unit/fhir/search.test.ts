/** Search parsing against R4 search.html: date precision as intervals, prefixes, tokens, strictness. */
import { describe, expect, it } from "vitest";
import { dateValueInterval, parseSearch } from "../../../src/fhir/search.ts";

const iso = (i: { from?: Date; to?: Date } | null | undefined) => ({
  from: i?.from?.toISOString(),
  to: i?.to?.toISOString(),
});

describe("FHIR search parsing", () => {
  it("reads a date value as the interval its precision covers (a month, a day, a second)", () => {
    expect(iso(dateValueInterval("2019-02"))).toEqual({
      from: "2019-02-01T00:00:00.000Z",
      to: "2019-03-01T00:00:00.000Z",
    });
    expect(iso(dateValueInterval("2019-12-31"))).toEqual({
      from: "2019-12-31T00:00:00.000Z",
      to: "2020-01-01T00:00:00.000Z",
    });
    expect(iso(dateValueInterval("2019-09-16T10:00:00+08:00"))).toEqual({
      from: "2019-09-16T02:00:00.000Z",
      to: "2019-09-16T02:00:01.000Z",
    });
    expect(dateValueInterval("2019-02-30")).toBeNull();
    expect(dateValueInterval("16/09/2019")).toBeNull();
  });

  it("ANDs prefixed dates: ge the start of one day, le the end of another", () => {
    const { search, problems } = parseSearch("Observation", { date: ["ge2019-09-15", "le2019-09-16"] });
    expect(problems).toEqual([]);
    expect(iso(search.date)).toEqual({ from: "2019-09-15T00:00:00.000Z", to: "2019-09-17T00:00:00.000Z" });
    expect(iso(parseSearch("Observation", { date: "gt2019-09-15" }).search.date).from).toBe(
      "2019-09-16T00:00:00.000Z",
    );
    expect(iso(parseSearch("Observation", { date: "lt2019-09-15" }).search.date).to).toBe(
      "2019-09-15T00:00:00.000Z",
    );
  });

  it("uses each type's R4 parameter names (Condition onset-date, AdverseEvent subject)", () => {
    expect(parseSearch("Condition", { "onset-date": "2019" }).problems).toEqual([]);
    expect(parseSearch("Condition", { date: "2019" }).problems[0]!.parameter).toBe("date");
    const p = "01a2409b-0000-7000-8000-0000000000aa";
    expect(parseSearch("AdverseEvent", { subject: `Patient/${p}` }).search.patientId).toBe(p);
  });

  it("reads code tokens with and without a system, commas as OR", () => {
    expect(parseSearch("Observation", { code: "http://loinc.org|718-7,crs" }).search.codes).toEqual([
      { system: "http://loinc.org", code: "718-7" },
      { code: "crs" },
    ]);
  });

  it("reports every problem at once and refuses unknown parameters", () => {
    const { problems } = parseSearch("Patient", { _count: "5000", code: "x", _id: "nope" });
    expect(problems.map((p) => p.parameter).sort()).toEqual(["_count", "_id", "code"]);
  });
});
