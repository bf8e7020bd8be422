import { Center, Loader } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { BrowserRouter, Route, Routes } from "react-router";
import { LoginPage } from "./auth/LoginPage.tsx";
import { SitePicker } from "./auth/SitePicker.tsx";
import { SessionProvider, useLogin } from "./auth/session.tsx";
import { ROUTES } from "./routes.tsx";
import { CohortReport } from "./screens/reports/CohortReport.tsx";
import { PatientReport } from "./screens/reports/PatientReport.tsx";
import { Shell } from "./shell/Shell.tsx";
import { NotFound } from "./ui/NotFound.tsx";

function Gate() {
  const { state, checking } = useLogin();
  const { t } = useTranslation();
  if (checking)
    return (
      <Center mih="100vh">
        <Loader aria-label={t("common.loading")} />
      </Center>
    );
  if (!state) return <LoginPage />;
  if (!state.site) return <SitePicker />;
  return (
    <Routes>
      {/* Printed by `v2v report`: no navigation around them. */}
      <Route path="/reports/cohort" element={<CohortReport />} />
      <Route path="/reports/patient/:patientId" element={<PatientReport />} />
      <Route element={<Shell />}>
        {ROUTES.map((r) => (
          <Route key={r.path} path={r.path} element={r.element} />
        ))}
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <SessionProvider>
        <Gate />
      </SessionProvider>
    </BrowserRouter>
  );
}
