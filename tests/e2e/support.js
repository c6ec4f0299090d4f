// Starts the real aisafe binary (AISAFE_BINARY) on a free port with a fresh SQLite database and
// a known admin; every e2e file uses it so they all run aisafe the same way. Every answer that
// call() receives is checked against aisafe's own OpenAPI document (openapi_check.js).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApiChecker } from './openapi_check.js';

export const SECRET = 'e2e-secret-key-0123456789abcdefghijklmnopqrstuvwxyz';
export const ADMIN = { email: 'admin@e2e.test', password: 'e2e-admin-password' };

export async function startAisafe(extraEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'aisafe-e2e-'));
  const portFile = join(dir, 'port');
  const child = spawn(process.env.AISAFE_BINARY, ['serve', '--port', '0', '--port-file', portFile], {
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${dir}/aisafe.db`,
      SECRET_KEY: SECRET,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      BCRYPT_COST: '4',
      LOG_LEVEL: 'warn',
      ...extraEnv,
    },
    stdio: 'inherit',
  });
  for (let i = 0; i < 300 && !existsSync(portFile) && child.exitCode === null; i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!existsSync(portFile)) throw new Error(`aisafe did not start (exit ${child.exitCode})`);
  const base = `http://127.0.0.1:${readFileSync(portFile, 'utf8').trim()}`;

  // The document this binary serves, fetched once: every answer below is checked against it.
  const openapi = await (await fetch(`${base}/openapi.json`)).json();
  const conformance = openApiChecker(openapi);

  // `headers` are added; `raw` is sent as the body as it is (for malformed bodies); `check:
  // false` skips the check against the document (for a test that inspects a failure itself).
  async function call(path, { token, body, method, headers, raw, check = true } = {}) {
    const verb = method ?? (body || raw !== undefined ? 'POST' : 'GET');
    const res = await fetch(base + path, {
      method: verb,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: raw ?? (body ? JSON.stringify(body) : undefined),
    });
    const text = await res.text();
    const json = text === '' ? null : JSON.parse(text);
    if (check) conformance.check(verb, path, res.status, json);
    return { status: res.status, json, headers: res.headers };
  }

  async function login(who = ADMIN) {
    const r = await call('/api/v1/auth/login', { body: who });
    if (r.status !== 200) throw new Error(`login failed: ${JSON.stringify(r.json)}`);
    return r.json.access_token;
  }

  function stop() {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }

  return { base, call, login, stop, pid: child.pid, openapi, conformance };
}
