/**
 * LTFU rules: 15 yearly contacts for integrating vectors only (FDA 2020 LTFU guidance, notes §4.1),
 * each served by the LTFU visit whose window holds the anniversary, and "lost to follow-up" at two
 * closed contacts in a row not done, or when declared (CIBMTR).
 */
import { describe, expect, it } from "vitest";
import {
  assessLostToFollowUp,
  CONSECUTIVE_CONTACTS_NOT_DONE,
  type LtfuVisit,
  ltfuContacts,
  ltfuYearsFor,
  uncoveredLtfuYears,
} from "../../src/domain/long-term-follow-up.ts";
import { defaultVisitSchedule, generateVisits, LTFU_ITEM_CODES } from "../../src/domain/visit-schedule.ts";

const INFUSION = "2019-09-16";

/** The default template's visits for an infusion, as LTFU visits, with some recorded. */
function visits(recorded: Record<string, Partial<LtfuVisit>> = {}): LtfuVisit[] {
  return generateVisits(defaultVisitSchedule("sle"), INFUSION).map((g) => ({
    id: g.code,
    code: g.code,
    nominalDate: g.nominalDate,
    windowStart: g.windowStart,
    windowEnd: g.windowEnd,
    ltfuItems: g.ltfuItems,
    doneOn: null,
    missedReason: null,
    closedReason: null,
    ltfuRecord: null,
    ...recorded[g.code],
  }));
}

describe("which products get LTFU", () => {
  it("gives 15 years to integrating vectors and none to mRNA, other non-integrating or unknown", () => {
    expect(ltfuYearsFor("lentiviral")).toBe(15);
    expect(ltfuYearsFor("gammaretroviral")).toBe(15);
    expect(ltfuYearsFor("transposon")).toBe(15);
    expect(ltfuYearsFor("mrna")).toBe(0);
    expect(ltfuYearsFor("other-non-integrating")).toBe(0);
    expect(ltfuYearsFor(null)).toBe(0);
  });
});

describe("contacts", () => {
  it("serves years 1 and 2 by M12 and M24 and years 3–15 by Y3–Y15, on calendar anniversaries", () => {
    const contacts = ltfuContacts(INFUSION, 15, visits(), "2019-10-01");
    expect(contacts).toHaveLength(15);
    expect(contacts.map((c) => c.visit?.code)).toEqual([
      "M12",
      "M24",
      ...Array.from({ length: 13 }, (_, i) => `Y${i + 3}`),
    ]);
    expect(contacts[0]).toMatchObject({
      year: 1,
      anniversary: "2020-09-16",
      status: "upcoming",
      complete: false,
    });
    expect(contacts[14]!.anniversary).toBe("2034-09-16");
    expect(contacts[0]!.items.map((i) => i.code)).toEqual([...LTFU_ITEM_CODES]);
  });

  it("works out only one calendar year's contact when asked: the same contact as the whole list has", () => {
    const all = ltfuContacts(INFUSION, 15, visits({ M12: { doneOn: "2020-09-16" } }), "2021-10-01");
    const in2025 = ltfuContacts(INFUSION, 15, visits({ M12: { doneOn: "2020-09-16" } }), "2021-10-01", {
      inCalendarYear: 2025,
    });
    expect(in2025).toEqual(all.filter((c) => c.anniversary.startsWith("2025-")));
    expect(in2025.map((c) => [c.year, c.visit?.code])).toEqual([[6, "Y6"]]);
    expect(ltfuContacts(INFUSION, 15, visits(), "2021-10-01", { inCalendarYear: 2019 })).toEqual([]);
  });

  it("clamps a 29 February infusion's anniversaries to 28 February in common years", () => {
    const c = ltfuContacts("2020-02-29", 4, [], "2020-03-01");
    expect(c.map((x) => x.anniversary)).toEqual(["2021-02-28", "2022-02-28", "2023-02-28", "2024-02-29"]);
    expect(c.every((x) => x.status === "not-scheduled" && x.visit === null)).toBe(true);
  });

  it("says which items were recorded, and is complete once every every-contact item is", () => {
    const everyContact = LTFU_ITEM_CODES.filter((c) => c !== "vector-testing");
    const record = Object.fromEntries(everyContact.map((c) => [c, { outcome: "none", note: null }]));
    const partial = { ...record };
    delete partial.pregnancy;
    const done = ltfuContacts(
      INFUSION,
      3,
      visits({
        M12: { doneOn: "2020-09-20", ltfuRecord: record },
        M24: { doneOn: "2021-09-10", ltfuRecord: partial },
      }),
      "2022-01-01",
    );
    expect(done[0]).toMatchObject({ status: "done", complete: true });
    // Vector testing is owed only when indicated, so the contact is complete without it.
    expect(done[0]!.items.find((i) => i.code === "vector-testing")).toMatchObject({ recorded: false });
    expect(done[1]!.complete).toBe(false);
    expect(done[1]!.items.find((i) => i.code === "pregnancy")!.recorded).toBe(false);
    expect(done[2]!.status).toBe("upcoming");
  });

  it("lists the years a schedule leaves without an LTFU visit", () => {
    expect(uncoveredLtfuYears(defaultVisitSchedule("other").visits, 15)).toEqual([]);
    const short = defaultVisitSchedule("other").visits.filter((v) => v.code !== "M24" && v.code !== "Y15");
    expect(uncoveredLtfuYears(short, 15)).toEqual([2, 15]);
  });
});

describe("lost to follow-up", () => {
  // Y3 window: 2022-07-18 .. 2022-11-15 (± 60 d around 2022-09-16); Y4 ends 2023-11-15.
  const y3Missed = { Y3: { missedReason: "no answer to three calls" } };

  it("is not lost after one closed contact not done", () => {
    const c = ltfuContacts(
      INFUSION,
      15,
      visits({ M12: { doneOn: "2020-09-16" }, M24: { doneOn: "2021-09-16" }, ...y3Missed }),
      "2023-11-15",
    );
    // Y4's window closes today (its last day): still due, so it does not count yet.
    expect(c[3]!.status).toBe("due");
    const a = assessLostToFollowUp(c, false);
    expect(a).toMatchObject({ lost: false, basis: null, lastContactDone: "2021-09-16" });
    expect(a.contactsNotDone.map((x) => x.year)).toEqual([3]);
  });

  it(`is lost the day the ${CONSECUTIVE_CONTACTS_NOT_DONE}nd closed contact in a row passes without a visit`, () => {
    const c = ltfuContacts(
      INFUSION,
      15,
      visits({ M12: { doneOn: "2020-09-16" }, M24: { doneOn: "2021-09-16" }, ...y3Missed }),
      "2023-11-16",
    );
    expect(c[3]!.status).toBe("overdue");
    const a = assessLostToFollowUp(c, false);
    expect(a).toMatchObject({ lost: true, basis: "consecutive-contacts-not-done" });
    expect(a.contactsNotDone).toEqual([
      { year: 3, status: "missed", windowEnd: "2022-11-15" },
      { year: 4, status: "overdue", windowEnd: "2023-11-15" },
    ]);
  });

  it("is not lost when a contact was done after one not done", () => {
    const c = ltfuContacts(
      INFUSION,
      15,
      visits({ M12: { missedReason: "abroad" }, M24: { doneOn: "2021-09-16" }, ...y3Missed }),
      "2023-01-01",
    );
    expect(assessLostToFollowUp(c, false).lost).toBe(false);
  });

  it("is lost when declared, whatever the contacts say", () => {
    const c = ltfuContacts(INFUSION, 15, visits({ M12: { doneOn: "2020-09-16" } }), "2020-10-01");
    expect(assessLostToFollowUp(c, true)).toMatchObject({ lost: true, basis: "declared" });
  });
});
