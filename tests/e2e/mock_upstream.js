// A mock model API for the proxy tests: a real HTTP server on a free loopback port that speaks
// enough of OpenAI's chat completions and embeddings and Anthropic's Messages protocols, records every request it
// receives (method, path, headers, parsed body), and answers what the test scripted: a chat
// completion or message (by default "Echo: " + the last user text), an error status, or a
// stream of SSE chunks. A streamed request with stream_options.include_usage gets what OpenAI
// sends then: `"usage": null` on every chunk and a usage-only chunk before [DONE].
import { createServer } from 'node:http';

export function chatCompletion(content, extra = {}) {
  return {
    id: 'chatcmpl-mock', object: 'chat.completion', created: 1700000000, model: 'mock-model',
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    ...extra,
  };
}

// An answer of Anthropic's Messages API with one text block.
export function anthropicMessage(text, extra = {}) {
  return {
    id: 'msg_mock', type: 'message', role: 'assistant', model: 'mock-claude',
    content: [{ type: 'text', text }], stop_reason: 'end_turn', stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 5 },
    ...extra,
  };
}

// One SSE chunk of a streamed chat completion carrying `content`.
export function chunk(content, finish = null) {
  return {
    id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: 1700000000, model: 'mock-model',
    choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finish, logprobs: null }],
  };
}

// The SSE pieces of a scripted stream as OpenAI sends them when include_usage is set: whole
// `data: {...}` events get `"usage": null`, and the usage chunk (`step.usage`, else 10 prompt and
// 5 completion tokens) goes before `data: [DONE]`. Pieces that cut events are left as they are.
function withStreamUsage(pieces, usage) {
  const out = [];
  for (const piece of pieces) {
    const whole = /^data: (\{.*\})\n\n$/s.exec(piece);
    if (piece === 'data: [DONE]\n\n') {
      out.push(`data: ${JSON.stringify({
        id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: 1700000000, model: 'mock-model',
        choices: [], usage,
      })}\n\n`);
      out.push(piece);
    } else if (whole) {
      out.push(`data: ${JSON.stringify({ ...JSON.parse(whole[1]), usage: null })}\n\n`);
    } else {
      out.push(piece);
    }
  }
  return out;
}

function lastUserText(body) {
  const user = [...(body?.messages ?? [])].reverse().find((m) => m.role === 'user');
  if (!user) return '';
  if (typeof user.content === 'string') return user.content;
  return (user.content ?? []).filter((p) => p.type === 'text').map((p) => p.text).join(' ');
}

export async function startMockUpstream() {
  const received = [];
  // Each entry answers one request: {status, json} or {stream: [pieces...], usage, delayMs,
  // dropAt, stallAt} (drop the connection, or stop writing, before that piece; indices count
  // the usage chunk when it was asked for). Empty: echo.
  const script = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (d) => { raw += d; });
    req.on('end', async () => {
      let body = null;
      try { body = raw ? JSON.parse(raw) : null; } catch { body = raw; }
      received.push({ method: req.method, path: req.url, headers: req.headers, body, raw });
      const step = script.shift();
      if (req.method === 'GET' && req.url === '/v1/models' && !step) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: [{ id: 'mock-model', object: 'model', created: 0, owned_by: 'mock' }] }));
        return;
      }
      if (step?.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        // Closed before the stream ended: the proxy hung up on us.
        res.on('close', () => { if (!res.writableFinished) step.closed = true; });
        const pieces = body?.stream_options?.include_usage === true
          ? withStreamUsage(step.stream, step.usage ?? { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 })
          : step.stream;
        for (const [i, piece] of pieces.entries()) {
          if (res.destroyed) return;
          if (step.dropAt === i) {
            res.destroy();  // the connection drops mid-stream
            return;
          }
          if (step.stallAt === i) {
            // Stops writing and keeps the connection open until the other side gives up.
            await new Promise((r) => { res.on('close', r); setTimeout(r, 30000); });
            return;
          }
          res.write(piece);
          if (step.delayMs) await new Promise((r) => setTimeout(r, step.delayMs));
        }
        res.end();
        return;
      }
      if (req.method === 'POST' && req.url === '/v1/embeddings' && !step) {
        const inputs = Array.isArray(body?.input) ? body.input : [body?.input];
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({
          object: 'list', model: body?.model ?? 'mock-embed',
          data: inputs.map((_, index) => ({ object: 'embedding', index, embedding: [0.1, 0.2, 0.3] })),
          usage: { prompt_tokens: 4, total_tokens: 4 },
        }));
        return;
      }
      const status = step?.status ?? 200;
      const echo = 'Echo: ' + lastUserText(body);
      const json = step?.json ?? (req.url === '/v1/messages' ? anthropicMessage(echo) : chatCompletion(echo));
      res.writeHead(status, { 'content-type': 'application/json', ...(step?.headers ?? {}) });
      res.end(typeof json === 'string' ? json : JSON.stringify(json));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const url = `${origin}/v1`;
  return {
    url,
    origin,
    received,
    script,
    reset() { received.length = 0; script.length = 0; },
    stop() { server.closeAllConnections(); server.close(); },
  };
}
