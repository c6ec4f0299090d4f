// Token usage through the proxy (issue 23, "Tokens, cost and limits"): the tokens the mock model
// API reports are counted in /metrics by provider, model and kind; a streamed request is made
// to ask for the usage chunk, which a caller that did not ask for it never sees, and a caller
// that asked gets unchanged.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startAisafe } from './support.js';
import { startMockUpstream, chunk, anthropicMessage } from './mock_upstream.js';

let aisafe, mock, openai, anthropic;

before(async () => {
  mock = await startMockUpstream();
  aisafe = await startAisafe({
    PROXY_UPSTREAM_URL: mock.url, PROXY_UPSTREAM_API_KEY: 'sk-e2e',
    PROXY_ANTHROPIC_URL: mock.origin, PROXY_ANTHROPIC_API_KEY: 'sk-ant-e2e',
  });
  const token = await aisafe.login();
  const r = await aisafe.call('/api/v1/api-keys', { token, body: { name: 'e2e-usage', scopes: ['proxy'] } });
  assert.equal(r.status, 201);
  openai = new OpenAI({ apiKey: r.json.key, baseURL: `${aisafe.base}/v1`, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: r.json.key, baseURL: `${aisafe.base}/anthropic`, maxRetries: 0 });
});

after(() => { aisafe?.stop(); mock?.stop(); });
beforeEach(() => mock.reset());

// The value of one series in /metrics (0 when absent): `name{labels}`, labels in any order.
async function metric(name, labels) {
  const text = await (await fetch(`${aisafe.base}/metrics`)).text();
  for (const line of text.split('\n')) {
    const m = /^(\w+)\{(.*)\} (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...m[2].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return 0;
}

const tokens = (provider, model, kind) => metric('aisafe_proxy_tokens_total', { provider, model, kind });

const sse = (obj) => `data: ${JSON.stringify(obj)}\n\n`;
function streamOf(parts) {
  return [
    sse({ ...chunk(''), choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }),
    ...parts.map((p) => sse(chunk(p))),
    sse(chunk(null, 'stop')),
    'data: [DONE]\n\n',
  ];
}

test('a chat completion\'s usage is counted by provider, model and kind', async () => {
  const prompt = await tokens('openai', 'mock-model', 'prompt');
  const completion = await tokens('openai', 'mock-model', 'completion');
  const answer = await openai.chat.completions.create({ model: 'mock-model', messages: [{ role: 'user', content: 'Hello' }] });
  assert.deepEqual(answer.usage, { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 });
  assert.equal(await tokens('openai', 'mock-model', 'prompt'), prompt + 10);
  assert.equal(await tokens('openai', 'mock-model', 'completion'), completion + 5);
  // The upstream's first byte is timed, per provider.
  assert.ok(await metric('aisafe_proxy_upstream_first_byte_seconds_count', { provider: 'openai' }) >= 1);
  // Organizations are counted too (the API key belongs to the default organization).
  const text = await (await fetch(`${aisafe.base}/metrics`)).text();
  assert.match(text, /aisafe_proxy_tokens_by_organization_total\{organization_id="[^"]+",kind="prompt"\} \d+/);
});

test('a streamed answer the caller did not ask usage for: the proxy asks, counts, and hides it', async () => {
  mock.script.push({ stream: streamOf(['Hello', ', world']), usage: { prompt_tokens: 21, completion_tokens: 4, total_tokens: 25 } });
  const prompt = await tokens('openai', 'mock-model', 'prompt');
  const completion = await tokens('openai', 'mock-model', 'completion');
  const body = { model: 'mock-model', stream: true, messages: [{ role: 'user', content: 'Hi' }] };
  const stream = await openai.chat.completions.create(body);
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  assert.equal(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join(''), 'Hello, world');
  assert.ok(chunks.every((c) => c.choices.length > 0), 'no usage-only chunk');
  assert.ok(chunks.every((c) => !('usage' in c)), JSON.stringify(chunks));
  // Upstream, the request asked for usage, and is otherwise the caller's bytes.
  const got = mock.received[0];
  assert.deepEqual(got.body.stream_options, { include_usage: true });
  assert.equal(got.raw, '{"stream_options":{"include_usage":true},' + JSON.stringify(body).slice(1));
  assert.equal(await tokens('openai', 'mock-model', 'prompt'), prompt + 21);
  assert.equal(await tokens('openai', 'mock-model', 'completion'), completion + 4);
});

test('a caller that asked for usage gets the usage chunk unchanged', async () => {
  mock.script.push({ stream: streamOf(['Hello']), usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } });
  const prompt = await tokens('openai', 'mock-model', 'prompt');
  const body = { model: 'mock-model', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Hi' }] };
  const chunks = [];
  for await (const c of await openai.chat.completions.create(body)) chunks.push(c);
  const last = chunks.at(-1);
  assert.deepEqual(last.choices, []);
  assert.deepEqual(last.usage, { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 });
  assert.ok(chunks.slice(0, -1).every((c) => c.usage === null), 'the other chunks keep their usage: null');
  // Nothing was added: the bytes forwarded are the caller's.
  assert.equal(mock.received[0].raw, JSON.stringify(body));
  assert.equal(await tokens('openai', 'mock-model', 'prompt'), prompt + 7);
});

test('a caller that declined usage is asked for anyway and still does not see it', async () => {
  mock.script.push({ stream: streamOf(['Hello']) });
  const prompt = await tokens('openai', 'mock-model', 'prompt');
  const chunks = [];
  for await (const c of await openai.chat.completions.create({ model: 'mock-model', stream: true, stream_options: { include_usage: false }, messages: [{ role: 'user', content: 'Hi' }] })) chunks.push(c);
  assert.deepEqual(mock.received[0].body.stream_options, { include_usage: true });
  assert.ok(chunks.every((c) => c.choices.length > 0 && !('usage' in c)), JSON.stringify(chunks));
  assert.equal(await tokens('openai', 'mock-model', 'prompt'), prompt + 10);
});

test('embeddings and Anthropic messages count their usage', async () => {
  const embedded = await tokens('openai', 'text-embedding-3-small', 'prompt');
  await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'the quarterly report' });
  assert.equal(await tokens('openai', 'text-embedding-3-small', 'prompt'), embedded + 4);

  mock.script.push({ json: anthropicMessage('Hi there', { usage: { input_tokens: 30, output_tokens: 9 } }) });
  const input = await tokens('anthropic', 'mock-claude', 'prompt');
  const output = await tokens('anthropic', 'mock-claude', 'completion');
  const answer = await anthropic.messages.create({ model: 'mock-claude', max_tokens: 100, messages: [{ role: 'user', content: 'Hello' }] });
  assert.equal(answer.usage.input_tokens, 30);
  assert.equal(await tokens('anthropic', 'mock-claude', 'prompt'), input + 30);
  assert.equal(await tokens('anthropic', 'mock-claude', 'completion'), output + 9);
  assert.ok(await metric('aisafe_proxy_upstream_first_byte_seconds_count', { provider: 'anthropic' }) >= 1);
});
