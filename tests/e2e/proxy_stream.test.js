// Streamed chat completions through the proxy (issue 23), with the openai SDK's stream iterator:
// the mock model API streams SSE chunks, aisafe scans them as they flow with its hold-back
// window, and a secret split across chunks at any offset never reaches the client.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startAisafe } from './support.js';
import { startMockUpstream, chunk } from './mock_upstream.js';

let aisafe, mock, client;

before(async () => {
  mock = await startMockUpstream();
  aisafe = await startAisafe({ PROXY_UPSTREAM_URL: mock.url, PROXY_UPSTREAM_API_KEY: 'sk-e2e', PROXY_IDLE_TIMEOUT_MS: '1000' });
  const token = await aisafe.login();
  const r = await aisafe.call('/api/v1/api-keys', { token, body: { name: 'e2e-stream', scopes: ['proxy'] } });
  assert.equal(r.status, 201);
  client = new OpenAI({ apiKey: r.json.key, baseURL: `${aisafe.base}/v1`, maxRetries: 0 });
});

after(() => { aisafe?.stop(); mock?.stop(); });
beforeEach(() => mock.reset());

const sse = (obj) => `data: ${JSON.stringify(obj)}\n\n`;

// The SSE pieces of an answer streamed as `parts`, each part one chunk.
function streamOf(parts) {
  return [
    sse({ ...chunk(''), choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }),
    ...parts.map((p) => sse(chunk(p))),
    sse(chunk(null, 'stop')),
    'data: [DONE]\n\n',
  ];
}

async function collect(stream) {
  let content = '';
  let finish = null;
  let last = null;
  for await (const c of stream) {
    last = c;
    content += c.choices[0]?.delta?.content ?? '';
    finish = c.choices[0]?.finish_reason ?? finish;
  }
  return { content, finish, last };
}

test('a normal stream passes through intact with the SDK stream iterator', async () => {
  const words = [];
  for (let i = 0; i < 200; i++) words.push(`word${i} `);
  mock.script.push({ stream: streamOf(words) });
  const stream = await client.chat.completions.create({ model: 'mock-model', stream: true, messages: [{ role: 'user', content: 'Tell me a story' }] });
  const { content, finish } = await collect(stream);
  assert.equal(content, words.join(''));
  assert.equal(finish, 'stop');
  assert.equal(mock.received[0].body.stream, true);
});

test('the SSE events are cut anywhere by the upstream and still pass whole', async () => {
  const whole = streamOf(['Hello', ', ', 'world', '!']).join('');
  const pieces = [];
  for (let i = 0; i < whole.length; i += 7) pieces.push(whole.slice(i, i + 7));
  mock.script.push({ stream: pieces });
  const { content, finish } = await collect(await client.chat.completions.create({ model: 'mock-model', stream: true, messages: [{ role: 'user', content: 'Hi' }] }));
  assert.equal(content, 'Hello, world!');
  assert.equal(finish, 'stop');
});

for (const [name, secret] of [
  ['an AWS access key', 'AKIAVQJXXVBOTHD2WTFL'],
  ['a private key block', '-----BEGIN RSA PRIVATE KEY-----\nb0ClDacg9i24jZTKSln/cFewaP72VsRe83HEO7Ne855leaWM4C0HWSKcm354G1Vn\n-----END RSA PRIVATE KEY-----'],
]) {
  test(`${name} split across chunks at every offset never reaches the client`, async () => {
    const text = `Here you go: ${secret} and that is all.`;
    const start = text.indexOf(secret);
    const offsets = [];
    for (let cut = start - 1; cut <= start + Math.min(secret.length, 40) + 1; cut++) offsets.push(cut);
    for (const cut of offsets) {
      mock.reset();
      const script = { stream: streamOf([text.slice(0, cut), text.slice(cut)]) };
      mock.script.push(script);
      const stream = await client.chat.completions.create({ model: 'mock-model', stream: true, messages: [{ role: 'user', content: 'The key please' }] });
      const { content, finish, last } = await collect(stream);
      assert.equal(finish, 'content_filter', `cut ${cut}: ${content}`);
      assert.ok(content.length <= start, `cut ${cut}: sent ${JSON.stringify(content)}`);
      assert.equal(last.aisafe?.code, 'response_blocked');
      assert.ok(last.aisafe.categories.includes('secrets'));
    }
  });
}

test('an email in a stream is redacted in flight', async () => {
  const text = 'Write to jane.doe@example.com for details.';
  const parts = [];
  for (let i = 0; i < text.length; i += 3) parts.push(text.slice(i, i + 3));
  mock.script.push({ stream: streamOf(parts) });
  const { content, finish } = await collect(await client.chat.completions.create({ model: 'mock-model', stream: true, messages: [{ role: 'user', content: 'Who?' }] }));
  assert.equal(content, 'Write to [EMAIL] for details.');
  assert.equal(finish, 'stop');
});

test('a client that disconnects mid-stream closes the upstream connection', async () => {
  const parts = [];
  for (let i = 0; i < 2000; i++) parts.push(`tick${i} `);
  const script = { stream: streamOf(parts), delayMs: 10 };
  mock.script.push(script);
  const controller = new AbortController();
  const stream = await client.chat.completions.create({ model: 'mock-model', stream: true, messages: [{ role: 'user', content: 'Count' }] }, { signal: controller.signal });
  let got = 0;
  try {
    for await (const c of stream) {
      if ((c.choices[0]?.delta?.content ?? '') !== '' && ++got === 5) controller.abort();
    }
  } catch (err) {
    assert.ok(err instanceof OpenAI.APIUserAbortError || err.name === 'AbortError', String(err));
  }
  const deadline = Date.now() + 5000;
  while (!script.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.ok(script.closed, 'the upstream connection stayed open');
});

for (const [name, how, expected] of [
  ['drops the connection', { dropAt: 3, delayMs: 20 }, /stream failed/],
  ['stalls past the idle timeout', { stallAt: 3 }, /timed out/],
]) {
  test(`an upstream that ${name} mid-stream ends the caller's stream with an error`, async () => {
    mock.script.push({ stream: streamOf(['one ', 'two ', 'three ', 'four ', 'five ']), ...how });
    const stream = await client.chat.completions.create({ model: 'mock-model', stream: true, messages: [{ role: 'user', content: 'Count' }] });
    let content = '';
    const err = await (async () => {
      try {
        for await (const c of stream) content += c.choices[0]?.delta?.content ?? '';
      } catch (e) {
        return e;
      }
      return null;
    })();
    assert.ok(err instanceof OpenAI.APIError, `got ${err}`);
    assert.match(err.message, expected);
    assert.equal(err.code, 'upstream_stream_failed');
    assert.ok('one two '.startsWith(content), content);  // nothing unscanned, nothing invented
  });
}
