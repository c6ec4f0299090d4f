// Our tokens and hashes against the libraries users run: jose (JWT) and bcryptjs.
// Starts the real aisafe binary (AISAFE_BINARY) on a free port with a known SECRET_KEY.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, jwtVerify, UnsecuredJWT, decodeJwt } from 'jose';
import { startAisafe, SECRET } from './support.js';

const key = new TextEncoder().encode(SECRET);
let aisafe, call, login;

before(async () => {
  aisafe = await startAisafe();
  ({ call, login } = aisafe);
});

after(() => aisafe?.stop());

test('our access tokens verify with jose', async () => {
  const token = await login();
  const { payload, protectedHeader } = await jwtVerify(token, key, {
    issuer: 'aisafe', audience: 'aisafe-api', algorithms: ['HS256'],
  });
  assert.equal(protectedHeader.alg, 'HS256');
  for (const claim of ['sub', 'org', 'role', 'iat', 'nbf', 'exp', 'jti', 'sid']) {
    assert.ok(payload[claim] !== undefined, `claim ${claim}`);
  }
});

test('tokens jose signs with our secret and claims are accepted; forged ones are refused', async () => {
  const ours = decodeJwt(await login());
  const sign = (claims, exp = '10m') => new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('aisafe').setAudience('aisafe-api').setSubject(ours.sub)
    .setIssuedAt().setNotBefore('0s').setExpirationTime(exp).setJti('jose-1');
  const claims = { org: ours.org, role: ours.role, sid: ours.sid };
  const good = await sign(claims).sign(key);
  assert.equal((await call('/api/v1/auth/me', { token: good })).status, 200);

  const wrongKey = await sign(claims).sign(new TextEncoder().encode('x'.repeat(48)));
  assert.equal((await call('/api/v1/auth/me', { token: wrongKey })).status, 401);

  const [h, p, s] = good.split('.');
  const tampered = `${h}.${Buffer.from(JSON.stringify({ ...ours, role: 'owner', org: 'other' })).toString('base64url')}.${s}`;
  assert.equal((await call('/api/v1/auth/me', { token: tampered })).status, 401);

  const none = new UnsecuredJWT({ ...claims, sub: ours.sub }).setIssuer('aisafe').setAudience('aisafe-api')
    .setExpirationTime('10m').encode();
  assert.equal((await call('/api/v1/auth/me', { token: none })).status, 401);

  const expired = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' })
    .setIssuer('aisafe').setAudience('aisafe-api').setSubject(ours.sub)
    .setIssuedAt(Math.floor(Date.now() / 1000) - 7200).setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
    .sign(key);
  const r = await call('/api/v1/auth/me', { token: expired });
  assert.equal(r.status, 401);
  assert.equal(r.json.error.code, 'token_expired');

  const wrongAud = await sign(claims).setAudience('someone-else').sign(key);
  assert.equal((await call('/api/v1/auth/me', { token: wrongAud })).status, 401);
  assert.ok(p);
});

test('hashes we make verify with bcryptjs', async () => {
  const { execFileSync } = await import('node:child_process');
  const bcrypt = (await import('bcryptjs')).default;
  const password = 'correct horse battery staple';
  const ours = execFileSync(process.env.AISAFE_BINARY, ['admin', 'hash-password'], {
    input: `${password}\n`,
    env: { ...process.env, BCRYPT_COST: '5', LOG_LEVEL: 'warn' },
  }).toString().trim();
  assert.match(ours, /^\$2b\$05\$/);
  assert.ok(bcrypt.compareSync(password, ours));
  assert.ok(!bcrypt.compareSync(`${password}!`, ours));

  // bcryptjs -> us is checked by the unit tests with a bcryptjs-made fixture.
});
