/**
 * Who is logged in, at which site, and what happens when the session ends. The server ends a
 * session after 30 minutes idle; the next request then answers 401, and instead of throwing the
 * user out (and losing what they were typing) we ask for the password in a dialog over the screen
 * and retry the request (api/client.ts).
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { ApiError, api, onSessionExpired, setCsrfToken } from "../api/client.ts";
import type { LoginAnswer, Membership, Role, Session, Site } from "../api/types.ts";
import { i18n, isLanguage, type Language, showIn } from "../i18n/index.ts";
import { ReloginModal } from "./ReloginModal.tsx";

const SITE_KEY = "v2v.siteId";

export interface SessionState {
  session: Session;
  sites: Site[];
  /** The site the user works at now; null until a user of several sites picks one. */
  site: Site | null;
  chooseSite: (siteId: string) => void;
  logout: () => Promise<void>;
  /** The user's roles at a site (several are possible). */
  rolesAt: (siteId: string) => Role[];
  /** Whether the user holds one of `roles` at the site. */
  hasRole: (siteId: string, ...roles: Role[]) => boolean;
}

interface Context {
  state: SessionState | null;
  checking: boolean;
  login: (username: string, password: string) => Promise<void>;
  /** Shows the app in `language`; remembered on this device and, once logged in, for the user. */
  chooseLanguage: (language: Language) => Promise<void>;
}

const SessionContext = createContext<Context | null>(null);

function useSessionContext(): Context {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error("useSession outside <SessionProvider>");
  return ctx;
}

/** The logged-in user's session; only for screens inside the app shell. */
export function useSession(): SessionState {
  const { state } = useSessionContext();
  if (!state) throw new Error("useSession before login");
  return state;
}

export function useLogin() {
  return useSessionContext();
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const [sites, setSites] = useState<Site[]>([]);
  const [siteId, setSiteId] = useState<string | null>(() => localStorage.getItem(SITE_KEY));
  const [checking, setChecking] = useState(true);
  const [relogin, setRelogin] = useState<{ resolve: () => void; reject: (e: Error) => void } | null>(null);

  const start = useCallback(async (s: Session) => {
    setCsrfToken(s.csrfToken);
    const [list, preference] = await Promise.all([
      api.get<{ items: Site[] }>("/api/v1/sites"),
      api.get<{ language: string | null }>("/api/v1/auth/language"),
    ]);
    // The user's stored choice wins over this device's; none yet keeps the browser's language.
    if (isLanguage(preference.language)) await showIn(preference.language);
    setSites(list.items);
    setSession(s);
  }, []);

  const chooseLanguage = useCallback(
    async (language: Language) => {
      await showIn(language);
      if (session) await api.put("/api/v1/auth/language", { language });
    },
    [session],
  );

  useEffect(() => {
    api
      .get<Session>("/api/v1/auth/session")
      .then(start, (e: unknown) => {
        if (!(e instanceof ApiError && e.status === 401)) console.error(e);
      })
      .finally(() => setChecking(false));
  }, [start]);

  const login = useCallback(
    async (username: string, password: string) => {
      const answer = await api.post<LoginAnswer>("/api/v1/auth/login", { username, password });
      await start({ user: answer.user, memberships: answer.memberships, csrfToken: answer.csrfToken });
    },
    [start],
  );

  const logout = useCallback(async () => {
    try {
      await api.post("/api/v1/auth/logout");
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) throw e;
    }
    setCsrfToken(null);
    setSession(null);
  }, []);

  // While logged in, a 401 opens the dialog; the pending request waits for it.
  useEffect(() => {
    if (!session) return;
    onSessionExpired(() => new Promise<void>((resolve, reject) => setRelogin({ resolve, reject })));
    return () => onSessionExpired(null);
  }, [session]);

  const state = useMemo<SessionState | null>(() => {
    if (!session) return null;
    const mySiteIds = new Set(session.memberships.map((m) => m.siteId));
    const mySites = sites.filter((s) => mySiteIds.has(s.id));
    const site = mySites.length === 1 ? (mySites[0] ?? null) : (mySites.find((s) => s.id === siteId) ?? null);
    const rolesAt = (id: string) => session.memberships.filter((m) => m.siteId === id).map((m) => m.role);
    return {
      session,
      sites: mySites,
      site,
      chooseSite: (id: string) => {
        localStorage.setItem(SITE_KEY, id);
        setSiteId(id);
      },
      logout,
      rolesAt,
      hasRole: (id, ...roles) => rolesAt(id).some((r) => roles.includes(r)),
    };
  }, [session, sites, siteId, logout]);

  return (
    <SessionContext.Provider value={{ state, checking, login, chooseLanguage }}>
      {children}
      {relogin && session && (
        <ReloginModal
          username={session.user.username}
          onLoggedIn={async (password) => {
            const answer = await api.post<LoginAnswer>("/api/v1/auth/login", {
              username: session.user.username,
              password,
            });
            setCsrfToken(answer.csrfToken);
            setSession((s) => (s ? { ...s, csrfToken: answer.csrfToken } : s));
            relogin.resolve();
            setRelogin(null);
          }}
          onGiveUp={() => {
            relogin.reject(new Error(i18n.t("relogin.gaveUp")));
            setRelogin(null);
            setCsrfToken(null);
            setSession(null);
          }}
        />
      )}
    </SessionContext.Provider>
  );
}
