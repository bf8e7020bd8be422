-- Issue 11: the language each user reads the web app in, chosen in the app and remembered across
-- devices. NULL means not chosen yet: the app then follows the browser's language. The codes are
-- BCP 47 tags, the same list as src/domain/languages.ts.
ALTER TABLE users ADD COLUMN language text NULL CHECK (language IN ('en', 'zh-CN'));
