/**
 * Every screen of the app, in one table: the router and the navigation are both built from it.
 * To add a screen, add its component under screens/<area>/ and one entry here.
 */
import type { ReactElement } from "react";
import type { Role } from "./api/types.ts";
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
import { TokensPage } from "./screens/tokens/TokensPage.tsx";
import { WorklistPage } from "./screens/worklist/WorklistPage.tsx";

export interface AppRoute {
  /** react-router path, e.g. "/patients/:patientId" */
  path: string;
  element: ReactElement;
  /** Shown in the navigation when set (screens reached by links, like one patient, leave it out). */
  nav?: { label: string };
  /** Only these roles (at the current site) see the navigation entry; everyone when absent. */
  roles?: Role[];
}

export const ROUTES: AppRoute[] = [
  { path: "/", element: <DashboardPage />, nav: { label: "Dashboard" } },
  { path: "/patients", element: <PatientListPage />, nav: { label: "Patients" } },
  { path: "/patients/:patientId", element: <PatientPage /> },
  {
    path: "/worklist",
    element: <WorklistPage />,
    nav: { label: "Worklist" },
    roles: ["investigator", "coordinator", "monitor"],
  },
  {
    path: "/grade",
    element: <GradeChooserPage />,
    nav: { label: "Grade" },
    roles: ["investigator", "coordinator"],
  },
  { path: "/patients/:patientId/assess/:calculator", element: <GradePage /> },
  {
    path: "/entry",
    element: <EntryPage />,
    nav: { label: "Enter data" },
    roles: ["investigator", "coordinator"],
  },
  { path: "/entry/:patientId/:tab", element: <EntryPage /> },
  {
    path: "/cohorts",
    element: <CohortPage />,
    nav: { label: "Cohort outcomes" },
    roles: ["investigator", "coordinator", "monitor", "admin"],
  },
  { path: "/board", element: <BoardPage />, nav: { label: "Vein-to-vein board" } },
  { path: "/board/:productId", element: <ProductPage /> },
  { path: "/board/:productId/bedside", element: <BedsidePage /> },
  { path: "/audit", element: <AuditPage />, nav: { label: "Audit trail" }, roles: ["monitor", "admin"] },
  { path: "/tokens", element: <TokensPage />, nav: { label: "API tokens" } },
];
