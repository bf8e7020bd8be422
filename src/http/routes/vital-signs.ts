/**
 * The codes a vital-signs form sends its values under (domain/vital-signs.ts), so a client records
 * temperature, blood pressure, heart rate, SpO2 and oxygen support as coded observations without a
 * LOINC table of its own.
 */
import type { FastifyInstance } from "fastify";
import { OXYGEN_DEVICE, VITAL_SIGNS } from "../../domain/vital-signs.ts";
import { VitalSignCodesSchema } from "../responses/records.ts";

export async function vitalSignRoutes(app: FastifyInstance) {
  app.get(
    "/api/v1/observations/vital-signs",
    {
      schema: {
        tags: ["clinical"],
        operationId: "getVitalSignCodes",
        response: { 200: VitalSignCodesSchema },
        summary:
          "The LOINC code and UCUM unit of each vital sign a bedside form records (temperature, blood pressure, heart rate, SpO2, oxygen flow) and the oxygen-device code with its values",
      },
    },
    () => ({
      vitalSigns: VITAL_SIGNS.map((v) => ({ ...v })),
      oxygenDevice: { ...OXYGEN_DEVICE, devices: [...OXYGEN_DEVICE.devices] },
    }),
  );
}
