// Checks aisafe's answers against its own OpenAPI document (GET /openapi.json): given a method,
// a path, a status and a body, finds the operation and the response the document declares for
// that status (or its default), and validates the body with ajv's JSON Schema 2020-12 validator
// against the document's components. Used by support.js on every call(), so each e2e test
// checks every answer it receives.
//
// The test is stricter than the document: an object schema that lists its properties is
// treated as closed (unevaluatedProperties: false) unless it says otherwise, so a field the
// server sends but the document does not describe fails here. Clients of the document stay
// free to ignore fields they do not know (decision 0023).
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const DEFS_ID = 'aisafe-openapi';

// The document's "#/components/schemas/X" as "aisafe-openapi#/$defs/X": ajv knows $defs, not
// OpenAPI's components.
function rewriteRefs(value, close) {
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, close));
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
      out[key] = `${DEFS_ID}#/$defs/${v.slice('#/components/schemas/'.length)}`;
    } else if (key === 'properties' || key === '$defs') {
      out[key] = Object.fromEntries(Object.entries(v).map(([k, s]) => [k, rewriteRefs(s, close)]));
    } else {
      out[key] = rewriteRefs(v, close);
    }
  }
  if (close && out.properties && !('additionalProperties' in out) && !('unevaluatedProperties' in out)) {
    out.unevaluatedProperties = false;
  }
  return out;
}

// Compiles a template path ("/api/v1/policies/{id}") into a matcher; literal paths win over
// templated ones, as in aisafe's router.
function pathMatchers(paths) {
  return Object.keys(paths)
    .map((template) => ({
      template,
      params: (template.match(/\{/g) ?? []).length,
      re: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`),
    }))
    .sort((a, b) => a.params - b.params);
}

export function openApiChecker(doc, { closed = true } = {}) {
  const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true, strict: true });
  addFormats(ajv);
  ajv.addSchema({ $id: DEFS_ID, $defs: rewriteRefs(doc.components.schemas, closed) });
  const matchers = pathMatchers(doc.paths);
  const compiled = new Map();

  function compile(schema) {
    const key = JSON.stringify(schema);
    if (!compiled.has(key)) compiled.set(key, ajv.compile(rewriteRefs(schema, closed)));
    return compiled.get(key);
  }

  function responseFor(method, path, status) {
    const plain = path.split('?')[0];
    const match = matchers.find((m) => m.re.test(plain));
    const op = match && doc.paths[match.template][method.toLowerCase()];
    if (!op) {
      // No route (404, 405): aisafe's error shape.
      return { where: `${method} ${plain} (no route)`, schema: { $ref: '#/components/schemas/Error' } };
    }
    let res = op.responses[String(status)] ?? op.responses.default;
    const where = `${method} ${match.template} ${status} (${op.operationId})`;
    if (!res) throw new Error(`${where}: the document declares no such answer`);
    if (res.$ref) res = doc.components.responses[res.$ref.split('/').pop()];
    const json = res.content?.['application/json'];
    return { where, schema: json?.schema, declared: Object.keys(res.content ?? {}) };
  }

  // Throws when `body` (parsed JSON, or null for an empty body) is not what the document
  // declares for this answer.
  function check(method, path, status, body) {
    const { where, schema, declared } = responseFor(method, path, status);
    if (!schema) {
      if (body !== null && body !== undefined && (declared ?? []).length === 0) {
        throw new Error(`${where}: the document declares no body, got ${JSON.stringify(body).slice(0, 200)}`);
      }
      return;
    }
    const validate = compile(schema);
    if (!validate(body)) {
      const errors = validate.errors.map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
      throw new Error(`${where}: the answer does not match the document:\n  ${errors.join('\n  ')}\n` +
        `body: ${JSON.stringify(body).slice(0, 1000)}`);
    }
  }

  return { check, responseFor, ajv };
}
