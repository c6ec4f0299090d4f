// What scanning a streamed answer costs (issue 23): aisafe's own CPU time per streamed chunk,
// with the default policy and with a policy that runs no detector (the relay alone: SSE parsing,
// JSON re-rendering, chunked writes, one validation call per chunk that finds nothing to run).
// Usage: node bench/proxy/stream_cost.mjs build/aisafe [streams] [chunks]
// Needs tests/e2e's node_modules (npm ci there). Everything runs on loopback.
import { readFileSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
process.env.AISAFE_BINARY = resolve(process.argv[2] ?? 'build/aisafe');
const STREAMS = Number(process.argv[3] ?? 20);
const CHUNKS = Number(process.argv[4] ?? 1000);
const { startAisafe } = await import(resolve(here, '../../tests/e2e/support.js'));
const { startMockUpstream, chunk } = await import(resolve(here, '../../tests/e2e/mock_upstream.js'));

const ticks = () => {
  const f = readFileSync(`/proc/${aisafe.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]);  // utime + stime, in clock ticks (1/100 s)
};
const sse = (o) => `data: ${JSON.stringify(o)}\n\n`;
const words = ['The ', 'quick ', 'brown ', 'fox ', 'jumps ', 'over ', 'the ', 'lazy ', 'dog. '];
const pieces = [];
for (let i = 0; i < CHUNKS; i++) pieces.push(sse(chunk(words[i % words.length])));
pieces.push(sse(chunk(null, 'stop')), 'data: [DONE]\n\n');

const mock = await startMockUpstream();
const aisafe = await startAisafe({ PROXY_UPSTREAM_URL: mock.url, LOG_LEVEL: 'error', ACCESS_LOG: 'false' });
try {
  const token = await aisafe.login();
  const key = (await aisafe.call('/api/v1/api-keys', { token, body: { name: 'bench', scopes: ['proxy'] } })).json.key;
  const empty = await aisafe.call('/api/v1/policies', { token, body: { name: 'no-detectors', detectors: [] } });
  if (empty.status !== 201) throw new Error(JSON.stringify(empty.json));

  async function run(policy) {
    const t0 = ticks();
    const started = performance.now();
    let bytes = 0;
    for (let s = 0; s < STREAMS; s++) {
      mock.script.push({ stream: pieces });
      const res = await fetch(`${aisafe.base}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(policy ? { 'x-aisafe-policy': policy } : {}) },
        body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'Tell me about foxes' }] }),
      });
      bytes += (await res.text()).length;
    }
    const cpuMs = (ticks() - t0) * 10;
    return { cpuMs, usPerChunk: (cpuMs * 1000) / (STREAMS * CHUNKS), wallMs: performance.now() - started, bytes };
  }
  await run(empty.json.id);  // warm up
  const relay = await run(empty.json.id);
  const scanned = await run(null);
  console.log(`streams ${STREAMS} x ${CHUNKS} chunks`);
  console.log(`relay only (no detectors): ${relay.cpuMs} ms CPU, ${relay.usPerChunk.toFixed(1)} us/chunk, wall ${relay.wallMs.toFixed(0)} ms`);
  console.log(`default policy:            ${scanned.cpuMs} ms CPU, ${scanned.usPerChunk.toFixed(1)} us/chunk, wall ${scanned.wallMs.toFixed(0)} ms`);
  console.log(`scanning adds ${(((scanned.cpuMs - relay.cpuMs) / relay.cpuMs) * 100).toFixed(0)}% CPU over the relay alone`);
} finally {
  aisafe.stop();
  mock.stop();
}
