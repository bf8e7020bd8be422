/**
 * Every screen of the app, in one table: the router and the navigation are both built from it.
 * To add a screen, add its component under screens/<area>/ and one entry here.
 */
import type { ReactElement } from "react";
import type { Role } from "./api/types.ts";
import type { en } from "./i18n/en.ts";
import { AdverseEventPage } from "./screens/adverse-events/AdverseEventPage.tsx";
import { AuditPage } from "./screens/audit/AuditPage.tsx";
import { BedsidePage } from "./screens/board/BedsidePage.tsx";
import { BoardPage } from "./screens/board/BoardPage.tsx";
import { ProductPage } from "./screens/board/ProductPage.tsx";
import { CohortPage } from "./screens/cohorts/CohortPage.tsx";
import { DashboardPage } from "./screens/dashboard/DashboardPage.tsx";
import { EntryPage } from "./screens/entry/EntryPage.tsx";
import { GradeChooserPage } from "./screens/grading/GradeChooserPage.tsx";
import { GradePage } from "./screens/grading/GradePage.tsx";
import { PatientListPage } from "./screens/patients/PatientListPage.tsx";
import { PatientPage } from "./screens/patients/PatientPage.tsx";
import { RegisterPatientPage } from "./screens/patients/RegisterPatientPage.tsx";
import { TokensPage } from "./screens/tokens/TokensPage.tsx";
import { WorklistPage } from "./screens/worklist/WorklistPage.tsx";

type NavKey = keyof typeof en.nav;

export interface AppRoute {
  /** react-router path, e.g. "/patients/:patientId" */
  path: string;
  element: ReactElement;
  /** Shown in the navigation when set (screens reached by links, like one patient, leave it out): the catalogue key under `nav`. */
  nav?: { labelKey: NavKey };
  /** Only these roles (at the current site) see the navigation entry; everyone when absent. */
  roles?: Role[];
}

export const ROUTES: AppRoute[] = [
  { path: "/", element: <DashboardPage />, nav: { labelKey: "dashboard" } },
  { path: "/patients", element: <PatientListPage />, nav: { labelKey: "patients" } },
  { path: "/patients/new", element: <RegisterPatientPage /> },
  { path: "/patients/:patientId", element: <PatientPage /> },
  {
    path: "/worklist",
    element: <WorklistPage />,
    nav: { labelKey: "worklist" },
    roles: ["investigator", "coordinator", "monitor"],
  },
  {
    path: "/grade",
    element: <GradeChooserPage />,
    nav: { labelKey: "grade" },
    roles: ["investigator", "coordinator"],
  },
  { path: "/patients/:patientId/assess/:calculator", element: <GradePage /> },
  { path: "/patients/:patientId/adverse-events/new", element: <AdverseEventPage /> },
  { path: "/patients/:patientId/adverse-events/:aeId", element: <AdverseEventPage /> },
  {
    path: "/entry",
    element: <EntryPage />,
    nav: { labelKey: "entry" },
    roles: ["investigator", "coordinator"],
  },
  { path: "/entry/:patientId/:tab", element: <EntryPage /> },
  {
    path: "/cohorts",
    element: <CohortPage />,
    nav: { labelKey: "cohorts" },
    roles: ["investigator", "coordinator", "monitor", "admin"],
  },
  { path: "/board", element: <BoardPage />, nav: { labelKey: "board" } },
  { path: "/board/:productId", element: <ProductPage /> },
  { path: "/board/:productId/bedside", element: <BedsidePage /> },
  { path: "/audit", element: <AuditPage />, nav: { labelKey: "audit" }, roles: ["monitor", "admin"] },
  { path: "/tokens", element: <TokensPage />, nav: { labelKey: "tokens" } },
];
