/** The small part of @lhncbc/ucum-lhc (which ships no types) that ucum.ts uses. */
declare module "@lhncbc/ucum-lhc" {
  interface UcumUnit {
    csCode_: string;
    isSpecial_: boolean;
    isArbitrary_: boolean;
  }
  interface ConversionResult {
    status: "succeeded" | "failed" | "error";
    toVal: number | null;
    msg: string[];
    fromUnit?: UcumUnit;
    toUnit?: UcumUnit;
  }
  interface ValidationResult {
    status: "valid" | "invalid" | "error";
    ucumCode: string | null;
    msg: string[];
  }
  interface UcumLhcUtils {
    convertUnitTo(
      from: string,
      value: number,
      to: string,
      options?: { suggest?: boolean; molecularWeight?: number },
    ): ConversionResult;
    validateUnitString(unit: string, suggest?: boolean): ValidationResult;
  }
  interface UnitTables {
    getUnitByCode(code: string): UcumUnit | null | undefined;
  }
  const ucum: {
    UcumLhcUtils: { getInstance(): UcumLhcUtils };
    UnitTables: { getInstance(): UnitTables };
  };
  export default ucum;
}
