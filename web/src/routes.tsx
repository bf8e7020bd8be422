/**
 * Every screen of the app, in one table: the router and the navigation are both built from it.
 * To add a screen, add its component under screens/<area>/ and one entry here.
 */
import type { ReactElement } from "react";
import type { Role } from "./api/types.ts";
import { DashboardPage } from "./screens/dashboard/DashboardPage.tsx";
import { PatientListPage } from "./screens/patients/PatientListPage.tsx";
import { PatientPage } from "./screens/patients/PatientPage.tsx";

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
];
