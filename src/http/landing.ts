/**
 * A minimal landing page until the web app arrives: what this is, a login form that uses the
 * HTTP API like any client would, and links to the API reference.
 */
import type { FastifyInstance } from "fastify";

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>vein2vein — CAR-T program</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1b1f24; }
  h1 { margin-bottom: 0.2rem; } .sub { color: #4a5560; margin-top: 0; }
  form { display: grid; gap: 0.5rem; max-width: 20rem; margin: 1rem 0; }
  label { display: grid; gap: 0.2rem; font-weight: 600; }
  input, button { font: inherit; padding: 0.45rem; } button { cursor: pointer; }
  .note { background: #fff4d6; border-left: 4px solid #c58a00; padding: 0.5rem 0.8rem; }
  table { border-collapse: collapse; width: 100%; } td, th { border-bottom: 1px solid #d5dbe1; padding: 0.3rem; text-align: left; }
  [role=alert] { color: #a4161a; font-weight: 600; }
</style>
</head>
<body>
<h1>vein2vein</h1>
<p class="sub">CAR-T cell therapy programs, from referral through the vein-to-vein journey to long-term follow-up.</p>
<p class="note">The demo program on this server is <strong>synthetic</strong>. Demo accounts (admin, investigator,
coordinator, manufacturing, monitor) are for trying the software only.</p>
<p><a href="/api/docs">API reference</a> · <a href="/openapi.json">OpenAPI document</a> · <a href="/api/health">health</a></p>
<section id="login-section">
  <h2>Log in</h2>
  <form id="login">
    <label>Username <input name="username" autocomplete="username" required></label>
    <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
    <button type="submit">Log in</button>
    <p id="error" role="alert"></p>
  </form>
</section>
<section id="me" hidden>
  <h2>Signed in as <span id="who"></span></h2>
  <button id="logout" type="button">Log out</button>
  <h3>Patients you can see</h3>
  <table><thead><tr><th>Subject code</th><th>Birth year</th><th>Sex</th></tr></thead><tbody id="patients"></tbody></table>
</section>
<script type="module">
  let csrf = null;
  const $ = (id) => document.getElementById(id);
  async function show() {
    const s = await fetch("/api/v1/auth/session");
    if (!s.ok) return;
    const me = await s.json();
    csrf = me.csrfToken;
    $("who").textContent = me.user.username;
    $("login-section").hidden = true; $("me").hidden = false;
    const p = await (await fetch("/api/v1/patients?limit=50")).json();
    $("patients").replaceChildren(...(p.items ?? []).map((x) => {
      const tr = document.createElement("tr");
      for (const v of [x.subjectCode, x.birthYear, x.sex]) { const td = document.createElement("td"); td.textContent = v; tr.append(td); }
      return tr;
    }));
  }
  $("login").addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    const r = await fetch("/api/v1/auth/login", { method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: f.get("username"), password: f.get("password") }) });
    if (!r.ok) { $("error").textContent = (await r.json()).detail; return; }
    $("error").textContent = ""; await show();
  });
  $("logout").addEventListener("click", async () => {
    await fetch("/api/v1/auth/logout", { method: "POST", headers: { "x-csrf-token": csrf } });
    location.reload();
  });
  show();
</script>
</body>
</html>`;

export async function landingRoutes(app: FastifyInstance) {
  app.get("/", { schema: { hide: true }, config: { public: true } }, (_request, reply) =>
    reply
      .type("text/html; charset=utf-8")
      .header(
        "content-security-policy",
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'",
      )
      .send(PAGE),
  );
}
