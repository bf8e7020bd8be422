/**
 * CDISC SDTM export of a study (issue 13): its subjects at the sites where the user may read
 * clinical data (the same rule as every clinical list), read pseudonymously, mapped to SDTM by
 * domain/cdisc, and audited as an export (who, when, which study, sites and record counts) in the
 * same transaction as the reads. Identity data is never read.
 */

import type { Attribution, SeriousnessCriterion } from "../domain/adverse-events.ts";
import type { DefineStudy } from "../domain/cdisc/define-xml.ts";
import type { StudySource } from "../domain/cdisc/model.ts";
import { type SdtmExport, sdtmDatasets } from "../domain/cdisc/sdtm.ts";
import { CODE_SYSTEMS } from "../domain/code-systems.ts";
import { notFound } from "../domain/errors.ts";
import { Uuid } from "../domain/schemas/common.ts";
import { sdtmRecords, sdtmStudy, sdtmSubjects } from "../store/sdtm-sources.ts";
import { readableSites } from "./access.ts";
import { appendAudit } from "./audit.ts";
import { inTransaction, readOnlySnapshot, type ServiceContext, within } from "./context.ts";
import { parseInput } from "./validate.ts";

/** The gradings read: the Lugano assessments behind RS, TU and TR (AE comes from adverse_events). */
const CALCULATORS = ["lugano-ct", "lugano-pet"];

export interface StudySdtm extends SdtmExport {
  study: DefineStudy;
  /** site codes the export covers */
  sites: string[];
  generatedAt: Date;
}

/** `what` names the file(s) asked for, for the audit record (e.g. "dm.xpt", "all files"). */
export async function exportStudySdtm(
  ctx: ServiceContext,
  rawStudyId: unknown,
  what: string,
): Promise<StudySdtm> {
  const studyId = parseInput(Uuid, rawStudyId);
  const siteIds = readableSites(ctx.actor, "clinical:read");
  // Read in one read-only snapshot on the reports' connection; the export's audit record is the
  // one write, on the primary, before the files are handed over.
  const read = await readOnlySnapshot(ctx, async (trx) => {
    const study = await sdtmStudy(trx, studyId);
    if (!study) throw notFound("study", studyId);
    const subjects = await sdtmSubjects(trx, studyId, siteIds);
    const records = await sdtmRecords(
      trx,
      subjects.map((s) => s.enrolment_id),
      [...new Set(subjects.map((s) => s.patient_id))],
      CALCULATORS,
    );
    const siteCodes = [...new Set(subjects.map((s) => s.site_code))].sort();
    const source: StudySource = {
      studyId: study.registry_id ?? study.short_name,
      title: study.title,
      arms: study.arms,
      productName: study.product_names[0] ?? study.short_name,
      siteCodes,
      subjects: subjects.map((s) => ({
        subjectCode: s.subject_code,
        siteCode: s.site_code,
        country: s.country,
        timeZone: s.time_zone,
        birthYear: s.birth_year,
        sex: s.sex,
        armCode: s.arm_code,
        doseLevelCode: s.dose_level_code,
        consentDate: s.consent_date,
        infusionDate: s.infusion_date,
        journey: records.journeyEvents
          .filter((e) => e.enrolment_id === s.enrolment_id)
          .map((e) => ({
            type: e.event_type,
            at: e.at,
            reason: e.reason,
            payload: (e.payload ?? {}) as Record<string, unknown>,
          })),
        conditions: records.conditions
          .filter((c) => c.patient_id === s.patient_id)
          .map((c) => ({
            id: c.id,
            codeSystem: c.code_system,
            code: c.code,
            display: c.display,
            onsetDate: c.onset_date,
            abatementDate: c.abatement_date,
            clinicalStatus: c.clinical_status,
          })),
        observations: records.observations
          .filter((o) => o.patient_id === s.patient_id)
          .map((o) => ({
            id: o.id,
            code: o.code,
            display: o.display,
            valueNumber: o.value_number,
            valueCode: o.value_code,
            valueText: o.value_text,
            unit: o.unit,
            originalValue: o.original_value,
            originalUnit: o.original_unit,
            effectiveAt: o.effective_at,
          })),
        medications: records.medications
          .filter((m) => m.patient_id === s.patient_id)
          .map((m) => ({
            id: m.id,
            drug: m.drug,
            atcCode: m.drug_code_system === CODE_SYSTEMS.atc ? m.drug_code : null,
            doseValue: m.dose_value,
            doseUnit: m.dose_unit,
            route: m.route,
            frequency: m.frequency,
            startDate: m.start_date,
            stopDate: m.stop_date,
            indication: m.indication,
          })),
        // The table's checks and the service's rules admit only the domain's attributions and criteria.
        adverseEvents: records.adverseEvents
          .filter((a) => a.patient_id === s.patient_id)
          .map((a) => ({
            id: a.id,
            term: a.term,
            soc: a.soc,
            grade: a.grade,
            attribution: a.attribution as Attribution,
            serious: a.serious,
            seriousCriteria: a.serious_criteria as SeriousnessCriterion[],
            onsetDate: a.onset_date,
            resolvedDate: a.resolved_date,
            outcome: a.outcome,
          })),
        assessments: records.assessments
          .filter((a) => a.patient_id === s.patient_id)
          .map((a) => ({
            id: a.id,
            calculator: a.calculator,
            assessedAt: a.assessed_at,
            inputs: a.inputs,
            result: a.result,
          })),
      })),
    };
    return { source, title: study.title, siteCodes };
  });
  // Built once the snapshot is let go: the datasets are arithmetic on what was read.
  const { source, title, siteCodes } = read;
  const built = sdtmDatasets(source);
  await inTransaction(ctx, (trx) =>
    appendAudit(trx, within(ctx, trx), {
      action: "export",
      entityType: "study",
      entityId: studyId,
      siteId: null,
      after: {
        format: "CDISC SDTM",
        files: what,
        sites: siteCodes,
        records: Object.fromEntries(built.datasets.map((d) => [d.name, d.rows.length])),
      },
    }),
  );
  return {
    ...built,
    generatedAt: ctx.now(),
    sites: siteCodes,
    study: {
      studyId: source.studyId,
      title,
      description: `exported by vein2vein for sites ${siteCodes.join(", ") || "none"}`,
    },
  };
}
