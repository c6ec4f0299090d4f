// The latency the proxy adds to a non-streamed chat completion (issue 23's goal: p50 at most
// 0.3 ms over calling the model API directly): one client, sequential requests with ~1 KB of
// messages, to the mock model API directly and through aisafe with the default policy.
// Usage: node bench/proxy/latency.mjs build/aisafe [requests]
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
process.env.AISAFE_BINARY = resolve(process.argv[2] ?? 'build/aisafe');
const N = Number(process.argv[3] ?? 2000);
const { startAisafe } = await import(resolve(here, '../../tests/e2e/support.js'));
const { startMockUpstream } = await import(resolve(here, '../../tests/e2e/mock_upstream.js'));

const prose = 'Our quarterly planning meeting covers the roadmap, hiring and the budget for next year. ';
const body = JSON.stringify({
  model: 'm',
  messages: [
    { role: 'system', content: 'You are a helpful assistant for an engineering team.' },
    { role: 'user', content: prose.repeat(10) + 'Summarize the agenda.' },
  ],
});

const mock = await startMockUpstream();
const aisafe = await startAisafe({ PROXY_UPSTREAM_URL: mock.url, LOG_LEVEL: 'error', ACCESS_LOG: 'false' });
try {
  const token = await aisafe.login();
  const key = (await aisafe.call('/api/v1/api-keys', { token, body: { name: 'bench', scopes: ['proxy'] } })).json.key;
  async function run(url, headers) {
    const times = [];
    for (let i = 0; i < N; i++) {
      const t0 = performance.now();
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      times.push(performance.now() - t0);
      mock.reset();
    }
    times.sort((a, b) => a - b);
    return { p50: times[Math.floor(N * 0.5)], p90: times[Math.floor(N * 0.9)], p99: times[Math.floor(N * 0.99)] };
  }
  await run(`${mock.url}/chat/completions`, {});  // warm up both paths
  await run(`${aisafe.base}/v1/chat/completions`, { authorization: `Bearer ${key}` });
  const direct = await run(`${mock.url}/chat/completions`, {});
  const proxied = await run(`${aisafe.base}/v1/chat/completions`, { authorization: `Bearer ${key}` });
  const f = (x) => x.toFixed(3);
  console.log(`${N} sequential requests, ${body.length} bytes of body`);
  console.log(`direct to the mock: p50 ${f(direct.p50)} ms, p90 ${f(direct.p90)} ms, p99 ${f(direct.p99)} ms`);
  console.log(`through aisafe:     p50 ${f(proxied.p50)} ms, p90 ${f(proxied.p90)} ms, p99 ${f(proxied.p99)} ms`);
  console.log(`added at p50: ${f(proxied.p50 - direct.p50)} ms`);
} finally {
  aisafe.stop();
  mock.stop();
}
