import { NativeSelect } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useLogin } from "../auth/session.tsx";
import { isLanguage, LANGUAGES } from "./index.ts";

/** The language picker of the top bar and the login page; each option is named in its own language. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const { chooseLanguage } = useLogin();
  return (
    <NativeSelect
      aria-label={t("language.label")}
      size="sm"
      w={{ base: 88, sm: 120 }}
      data-testid="language"
      value={i18n.language}
      data={LANGUAGES.map((l) => ({ value: l, label: t(`language.${l}`) }))}
      onChange={(e) => {
        const v = e.currentTarget.value;
        if (isLanguage(v)) void chooseLanguage(v);
      }}
    />
  );
}
