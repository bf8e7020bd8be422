/**
 * Response schemas of the clinical record (routes/records.ts): what the services' DTOs are, field
 * for field (test/unit/http-contract.test.ts checks each against its TypeScript type). A `meta` id
 * makes the shape a named component of the OpenAPI document and of the web app's generated types.
 */
import { z } from "zod";
import {
  AE_OUTCOMES,
  ATTRIBUTIONS,
  PATHOGEN_CLASSES,
  SERIOUSNESS_CRITERIA,
  SYSTEM_ORGAN_CLASSES,
} from "../../domain/adverse-events.ts";
import { CODE_SYSTEMS, CONDITION_STATUSES } from "../../domain/code-systems.ts";
import { DISEASES, INDICATIONS } from "../../domain/cohort/indication.ts";
import { JOURNEY_STATES } from "../../domain/vein-to-vein/journey.ts";
import { TIMELINE_KINDS } from "../../services/timeline.ts";

const str = z.string();
const maybeStr = str.nullable();
const num = z.number();
const maybeNum = num.nullable();
const stamps = { version: num, createdAt: str, updatedAt: str };

export const PatientSchema = z
  .object({
    id: str,
    siteId: str,
    subjectCode: str,
    birthYear: num,
    sex: str,
    isSynthetic: z.boolean(),
    ...stamps,
  })
  .meta({ id: "Patient" });

/** A patient in the list (GET /api/v1/patients): the record plus what the search columns show. */
export const PatientListItemSchema = PatientSchema.extend({
  siteCode: str,
  studies: z.array(z.object({ id: str, shortName: str })),
  disease: z.enum(INDICATIONS).nullable(),
  journeyStages: z.array(z.enum(JOURNEY_STATES)),
}).meta({ id: "PatientListItem" });

export const IdentitySchema = z
  .object({
    patientId: str,
    familyName: str,
    givenName: str,
    sex: str,
    birthDate: str,
    phone: maybeStr,
    email: maybeStr,
    address: maybeStr,
    homeRegion: maybeStr,
    nationalId: maybeStr,
    version: num,
  })
  .meta({ id: "Identity" });

export const IdentityHistoryEntrySchema = IdentitySchema.extend({
  validFrom: str,
  replacedAt: str,
  replacedBy: z.object({ id: str, username: str }),
}).meta({ id: "IdentityHistoryEntry" });

export const AdverseEventSchema = z
  .object({
    id: str,
    patientId: str,
    term: str,
    soc: str,
    grade: num,
    attribution: str,
    serious: z.boolean(),
    seriousCriteria: z.array(str),
    onsetDate: str,
    resolvedDate: maybeStr,
    outcome: str,
    pathogenClass: maybeStr,
    organism: maybeStr,
    note: maybeStr,
    ...stamps,
  })
  .meta({ id: "AdverseEvent" });

const AeGrade = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]);

export const AdverseEventVocabularySchema = z
  .object({
    terms: z.array(
      z.object({
        term: str,
        soc: z.enum(SYSTEM_ORGAN_CLASSES),
        grades: z.array(AeGrade).readonly(),
        scale: z.enum(["CTCAE v5.0", "ASTCT 2019"]),
      }),
    ),
    systemOrganClasses: z.array(z.enum(SYSTEM_ORGAN_CLASSES)),
    attributions: z.array(z.enum(ATTRIBUTIONS)),
    seriousnessCriteria: z.array(z.enum(SERIOUSNESS_CRITERIA)),
    outcomes: z.array(z.enum(AE_OUTCOMES)),
    pathogenClasses: z.array(z.enum(PATHOGEN_CLASSES)),
  })
  .meta({ id: "AdverseEventVocabulary" });

export const ConditionSchema = z
  .object({
    id: str,
    patientId: str,
    codeSystem: str,
    code: str,
    display: str,
    onsetDate: maybeStr,
    abatementDate: maybeStr,
    clinicalStatus: str,
    note: maybeStr,
    ...stamps,
  })
  .meta({ id: "Condition" });

export const ConditionVocabularySchema = z
  .object({
    diagnoses: z.array(
      z.object({
        codeSystem: z.literal(CODE_SYSTEMS.snomed),
        code: str,
        display: str,
        disease: z.enum(DISEASES).describe("The cohort the diagnosis counts under"),
      }),
    ),
    clinicalStatuses: z.array(z.enum(CONDITION_STATUSES)),
  })
  .meta({ id: "ConditionVocabulary" });

export const ObservationSchema = z
  .object({
    id: str,
    patientId: str,
    codeSystem: str,
    code: str,
    display: maybeStr,
    valueNumber: maybeNum,
    valueCode: maybeStr,
    valueText: maybeStr,
    unit: maybeStr,
    effectiveAt: str,
    specimen: maybeStr,
    source: maybeStr,
    status: str,
    note: maybeStr,
    originalValue: maybeNum,
    originalUnit: maybeStr,
    referenceRange: maybeStr,
    labImportId: maybeStr,
    valueComparator: z.enum(["<", "<=", ">=", ">"]).nullable(),
    valueCodeSystem: maybeStr,
    absentReason: maybeStr,
    interpretation: z.array(z.object({ system: maybeStr, code: str, display: str.optional() })),
    referenceLow: maybeNum,
    referenceHigh: maybeNum,
    effectiveEnd: maybeStr,
    effectiveIsDate: z.boolean(),
    identifierSystem: maybeStr,
    identifierValue: maybeStr,
    ...stamps,
  })
  .meta({ id: "Observation" });

export const ObservationBatchResultSchema = z
  .object({ count: num, observations: z.array(ObservationSchema) })
  .meta({ id: "ObservationBatchResult" });

/** A batch's answer under `Prefer: return=minimal`: how many were stored and their ids, in input order. */
export const ObservationBatchMinimalSchema = z
  .object({ count: num, ids: z.array(str) })
  .meta({ id: "ObservationBatchMinimal" });

export const MedicationSchema = z
  .object({
    id: str,
    patientId: str,
    drug: str,
    drugCodeSystem: maybeStr,
    drugCode: maybeStr,
    doseValue: maybeNum,
    doseUnit: maybeStr,
    route: maybeStr,
    frequency: maybeStr,
    startDate: str,
    stopDate: maybeStr,
    indication: maybeStr,
    status: str,
    note: maybeStr,
    ...stamps,
    derived: z.object({
      lupusDrugClass: z.enum(["glucocorticoid", "antimalarial", "immunosuppressive", "biologic"]).nullable(),
      dosesPerDay: maybeNum,
      dailyDoseMg: maybeNum,
      prednisoloneEquivalentMgPerDay: maybeNum,
    }),
  })
  .meta({ id: "Medication" });

export const CarCopiesNoteSchema = z.union([
  z.object({ value: num }),
  z.object({ belowLimit: z.literal(true), limit: maybeNum }),
]);

export const ClinicalEventSchema = z
  .object({
    id: str,
    patientId: str,
    occurredAt: str,
    category: str,
    title: str,
    text: maybeStr,
    status: str,
    ...stamps,
    derived: z.object({ carCopies: CarCopiesNoteSchema.nullable() }),
  })
  .meta({ id: "ClinicalEvent" });

const DoseLevelSchema = z.object({ code: str, label: str, dose: num, unit: str });
export const StudyArmSchema = z.object({ code: str, name: str, doseLevels: z.array(DoseLevelSchema) });

export const StudySchema = z
  .object({
    id: str,
    leadSiteId: str,
    siteIds: z.array(str),
    title: str,
    shortName: str,
    registryId: maybeStr,
    phase: str,
    status: str,
    arms: z.array(StudyArmSchema),
    isSynthetic: z.boolean(),
    ...stamps,
  })
  .meta({ id: "Study" });

export const CarProductSchema = z
  .object({
    id: str,
    studyId: str,
    code: str,
    name: str,
    targets: z.array(str),
    format: str,
    costimulatoryDomain: str,
    vector: str,
    vectorType: maybeStr,
    doseUnit: str,
    manufacturer: maybeStr,
    ...stamps,
  })
  .meta({ id: "CarProduct" });

export const EnrolmentSchema = z
  .object({
    id: str,
    patientId: str,
    studyId: str,
    siteId: str,
    armCode: str,
    doseLevelCode: maybeStr,
    consentDate: str,
    consentVersion: str,
    enrolledOn: maybeStr,
    infusionDate: maybeStr,
    status: str,
    ...stamps,
  })
  .meta({ id: "Enrolment" });

export const TimelineItemSchema = z
  .object({
    kind: z.enum(TIMELINE_KINDS),
    id: str,
    at: str,
    date: str,
    studyDay: maybeNum,
    summary: str,
    detail: z.record(str, z.unknown()),
  })
  .meta({ id: "TimelineItem" });

export const TimelineSchema = z
  .object({
    patientId: str,
    subjectCode: str,
    infusionDate: maybeStr,
    timeZone: str,
    items: z.array(TimelineItemSchema),
    nextCursor: maybeStr,
  })
  .meta({ id: "Timeline" });

const CoursePointSchema = z.object({ day: num }).catchall(num);
export const PatientCourseSchema = z
  .object({
    patientId: str,
    timeZone: str,
    today: str,
    todayStudyDay: maybeNum,
    infusionDate: maybeStr,
    course: z
      .object({
        window: z.object({ from: num, to: num }),
        charts: z.object({
          copies: z.array(CoursePointSchema),
          cd19: z.array(CoursePointSchema),
          antiDsDna: z.array(CoursePointSchema),
          complement: z.array(CoursePointSchema),
          counts: z.array(CoursePointSchema),
          glucocorticoidMgPerDay: z.array(CoursePointSchema),
        }),
      })
      .nullable(),
  })
  .meta({ id: "PatientCourse" });

export const VitalSignCodesSchema = z
  .object({
    vitalSigns: z.array(
      z.object({
        key: z.enum(["temperature", "systolic", "diastolic", "heartRate", "spo2", "oxygenFlow"]),
        loinc: str,
        display: str,
        unit: str.describe("UCUM unit the value is sent in"),
      }),
    ),
    oxygenDevice: z.object({
      loinc: str,
      display: str,
      devices: z
        .array(str)
        .describe("the codes sent as valueCode (the CRS calculator's oxygenDevice values)"),
    }),
  })
  .meta({ id: "VitalSignCodes" });
