import { AppShell, Burger, Button, Group, NavLink, Select, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useTranslation } from "react-i18next";
import { Link, Outlet, useLocation } from "react-router";
import { useSession } from "../auth/session.tsx";
import { LanguageSwitch } from "../i18n/LanguageSwitch.tsx";
import { ROUTES } from "../routes.tsx";

/** Top bar (site, language, user, log out) and the navigation built from ROUTES; screens render in <Outlet/>. */
export function Shell() {
  const { session, sites, site, chooseSite, logout, rolesAt } = useSession();
  const { t, i18n } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const roles = site ? rolesAt(site.id) : [];
  const entries = ROUTES.filter((r) => r.nav && (!r.roles || r.roles.some((role) => roles.includes(role))));
  const isActive = (path: string) =>
    path === "/"
      ? location.pathname === "/"
      : location.pathname === path || location.pathname.startsWith(`${path}/`);

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 220, breakpoint: "sm", collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={t("shell.navigation")}
            />
            <Title order={2} size="h4" visibleFrom="xs">
              vein2vein
            </Title>
          </Group>
          <Group wrap="nowrap" gap="sm">
            {sites.length > 1 ? (
              <Select
                aria-label={t("shell.site")}
                size="sm"
                w={{ base: 104, sm: 200 }}
                allowDeselect={false}
                data={sites.map((s) => ({ value: s.id, label: `${s.code} · ${s.city ?? s.name}` }))}
                value={site?.id ?? null}
                onChange={(v) => v && chooseSite(v)}
              />
            ) : (
              <Text size="sm" truncate="end" maw={{ base: 104, sm: 320 }}>
                {site ? `${site.code} · ${site.name}` : ""}
              </Text>
            )}
            <LanguageSwitch />
            <Text size="sm" visibleFrom="md" data-testid="who">
              {session.user.username} ({roles.map((r) => t(`role.${r}`)).join(", ")})
            </Text>
            <Button variant="default" size="sm" style={{ flexShrink: 0 }} onClick={() => void logout()}>
              {t("shell.logOut")}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label={t("shell.main")}>
        {entries.map((r) => (
          <NavLink
            key={r.path}
            component={Link}
            to={r.path}
            label={r.nav ? t(`nav.${r.nav.labelKey}`) : undefined}
            active={isActive(r.path)}
            aria-current={isActive(r.path) ? "page" : undefined}
            onClick={close}
          />
        ))}
      </AppShell.Navbar>
      {/* Keyed by language so every screen is drawn again in the new one. */}
      <AppShell.Main id="main" key={i18n.language}>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
