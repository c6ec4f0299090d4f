// Starts the real aisafe binary (AISAFE_BINARY) on a free port with a fresh SQLite database and
// a known admin; every e2e file uses it so they all run aisafe the same way.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

  async function call(path, { token, body, method } = {}) {
    const res = await fetch(base + path, {
      method: method ?? (body ? 'POST' : 'GET'),
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, json: res.status === 204 ? null : await res.json() };
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

  return { base, call, login, stop, pid: child.pid };
}
