import "@mantine/core/styles.css";
import "./app.css";
import { createTheme, MantineProvider } from "@mantine/core";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { I18nextProvider } from "react-i18next";
import { App } from "./App.tsx";
import { i18n } from "./i18n/index.ts";

// Darker primary shade than Mantine's default so white button text keeps WCAG AA contrast.
const theme = createTheme({ primaryColor: "indigo", primaryShade: 8, defaultRadius: "sm" });

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
createRoot(root).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <MantineProvider theme={theme} defaultColorScheme="light">
        <App />
      </MantineProvider>
    </I18nextProvider>
  </StrictMode>,
);
