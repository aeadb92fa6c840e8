#!/usr/bin/env node
/**
 * Coder OpenAPI → pruned spec → TypeScript types, for libs/coder-api-client.
 *
 *   node tools/codegen/generate-coder-client.mjs [--input <path|url>] [--check]
 *
 * Input: Swagger 2.0 or OpenAPI 3.x, YAML or JSON, a file or a URL (a deployment's /swagger/doc.json;
 * CODER_SESSION_TOKEN is sent when set). Default: ../shared/coder-openapi/coder-openapi-3.0.yml.
 * Steps: convert 2.0 → 3.0, give every path its /api/v2 prefix, keep only USED_OPERATION_IDS and the
 * schemas they reach, strip prose, apply the overlay, write the spec and the types.
 * --check regenerates in memory and fails when the committed files differ (CI drift check).
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, resolve, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import YAML from 'yaml';
import openapiTS, { astToString } from 'openapi-typescript';
import { USED_OPERATION_IDS } from './operations.mjs';
import { applyOverlay } from './overlay.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const workspaceRoot = resolve(here, '../..');
const libRoot = resolve(workspaceRoot, 'libs/coder-api-client');
const SPEC_OUT = resolve(libRoot, 'openapi/coder.openapi.json');
const TYPES_OUT = resolve(libRoot, 'src/generated/schema.d.ts');
const DEFAULT_INPUT = resolve(workspaceRoot, '../shared/coder-openapi/coder-openapi-3.0.yml');
const PROSE_KEYS = new Set(['description', 'summary', 'example', 'examples', 'externalDocs', 'contact', 'termsOfService', 'x-codegen-request-body-name']);

const { values } = parseArgs({
  options: { input: { type: 'string' }, check: { type: 'boolean', default: false } },
});

async function main() {
  const input = values.input ?? process.env.CODER_OPENAPI_INPUT ?? DEFAULT_INPUT;
  if (values.check && input === DEFAULT_INPUT && !existsSync(DEFAULT_INPUT)) {
    // A clone without ../shared can still prove the types match the committed, pruned spec.
    const committed = JSON.parse(await readFile(SPEC_OUT, 'utf8'));
    await checkFiles([[TYPES_OUT, await generateTypes(committed)]]);
    return;
  }
  const raw = await loadDocument(input);
  const oas3 = await toOpenApi3(raw);
  const prefixed = withFullPathPrefixes(oas3);
  const pruned = prune(prefixed, USED_OPERATION_IDS);
  applyOverlay(pruned);
  const spec = finalize(pruned, describeSource(input, raw));
  const specText = `${JSON.stringify(spec, null, 2)}\n`;
  const typesText = await generateTypes(spec);

  if (values.check) {
    await checkFiles([[SPEC_OUT, specText], [TYPES_OUT, typesText]]);
    return;
  }
  await mkdir(dirname(SPEC_OUT), { recursive: true });
  await mkdir(dirname(TYPES_OUT), { recursive: true });
  await writeFile(SPEC_OUT, specText);
  await writeFile(TYPES_OUT, typesText);
  console.error(`Wrote ${relative(workspaceRoot, SPEC_OUT)} (${Object.keys(spec.paths).length} paths, ` +
    `${Object.keys(spec.components.schemas).length} schemas) and ${relative(workspaceRoot, TYPES_OUT)}.`);
}

async function checkFiles(expected) {
  const stale = [];
  for (const [file, text] of expected) {
    const current = await readFile(file, 'utf8').catch(() => '');
    if (current !== text) stale.push(relative(workspaceRoot, file));
  }
  if (stale.length > 0) {
    console.error(`Generated files are stale: ${stale.join(', ')}.\nRun: npx nx run coder-api-client:generate`);
    process.exit(1);
  }
  console.error('Generated Coder client files are up to date.');
}

async function loadDocument(input) {
  let text;
  if (/^https?:\/\//.test(input)) {
    const headers = { accept: 'application/json, application/yaml' };
    if (process.env.CODER_SESSION_TOKEN) headers['Coder-Session-Token'] = process.env.CODER_SESSION_TOKEN;
    const response = await fetch(input, { headers });
    if (!response.ok) {
      throw new Error(`Could not download ${input}: HTTP ${response.status}. A Coder server serves /swagger/doc.json only with --swagger-enable.`);
    }
    text = await response.text();
  } else {
    text = await readFile(input, 'utf8');
  }
  return input.endsWith('.json') || text.trimStart().startsWith('{') ? JSON.parse(text) : YAML.parse(text);
}

async function toOpenApi3(doc) {
  if (typeof doc.openapi === 'string' && doc.openapi.startsWith('3.')) return doc;
  if (doc.swagger !== '2.0') throw new Error('Input is neither Swagger 2.0 nor OpenAPI 3.x.');
  const { default: converter } = await import('swagger2openapi');
  const { openapi } = await converter.convertObj(doc, { patch: true, warnOnly: true });
  return openapi;
}

/** Coder's own swagger has paths without /api/v2 (basePath); the published 3.0 profile has them with it. */
function withFullPathPrefixes(doc) {
  const serverPath = (() => {
    const url = doc.servers?.[0]?.url ?? '/api/v2';
    const path = url.replace(/^[a-z]+:\/\/[^/]+/i, '');
    return path.startsWith('/') ? path.replace(/\/$/, '') : '/api/v2';
  })();
  const paths = {};
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    paths[path.startsWith('/api/') ? path : `${serverPath}${path}`] = item;
  }
  return { ...doc, paths, servers: [{ url: '/' }] };
}

function prune(doc, operationIds) {
  const wanted = new Set(operationIds);
  const found = new Set();
  const paths = {};
  for (const [path, item] of Object.entries(doc.paths)) {
    const kept = {};
    for (const [method, op] of Object.entries(item)) {
      if (op && typeof op === 'object' && wanted.has(op.operationId)) {
        kept[method] = op;
        found.add(op.operationId);
      }
    }
    if (Object.keys(kept).length > 0) {
      if (item.parameters) kept.parameters = item.parameters;
      paths[path] = kept;
    }
  }
  const missing = operationIds.filter((id) => !found.has(id));
  if (missing.length > 0) throw new Error(`Operations not found in the input: ${missing.join(', ')}`);

  const allSchemas = doc.components?.schemas ?? {};
  const reached = new Set(['codersdk.Response']);
  const queue = [paths, allSchemas['codersdk.Response']];
  while (queue.length > 0) {
    const node = queue.pop();
    visitRefs(node, (name) => {
      if (!reached.has(name) && allSchemas[name]) {
        reached.add(name);
        queue.push(allSchemas[name]);
      }
    });
  }
  const schemas = {};
  for (const name of [...reached].sort()) schemas[name] = allSchemas[name];
  const securitySchemes = doc.components?.securitySchemes ?? {};
  return stripProse({ openapi: doc.openapi, info: { title: doc.info?.title ?? 'Coder API', version: doc.info?.version ?? '2.0' },
    servers: doc.servers, paths, components: { securitySchemes, schemas } });
}

function visitRefs(node, onRef) {
  if (Array.isArray(node)) return node.forEach((n) => visitRefs(n, onRef));
  if (!node || typeof node !== 'object') return;
  if (typeof node.$ref === 'string' && node.$ref.startsWith('#/components/schemas/')) onRef(node.$ref.slice(21));
  for (const value of Object.values(node)) visitRefs(value, onRef);
}

function stripProse(node, parentKey) {
  if (Array.isArray(node)) return node.map((n) => stripProse(n));
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    // `properties` maps field names to schemas: a field may legitimately be called "description".
    if (PROSE_KEYS.has(key) && parentKey !== 'properties' && !(key === 'description' && isResponseObject(node))) continue;
    if (key === 'tags' && Array.isArray(value) && parentKey !== 'properties') continue;
    out[key] = stripProse(value, key);
  }
  return out;
}

/** OpenAPI 3.0 requires `description` on a response object, so keep it there (trimmed to a word). */
function isResponseObject(node) {
  return 'content' in node || ('description' in node && Object.keys(node).every((k) => ['description', 'headers', 'content'].includes(k)));
}

function describeSource(input, raw) {
  const name = /^https?:/.test(input) ? input.replace(/\?.*$/, '') : relative(workspaceRoot, resolve(input)).replaceAll('\\', '/');
  return { input: name, format: raw.swagger ? `swagger ${raw.swagger}` : `openapi ${raw.openapi}`, apiVersion: raw.info?.version ?? 'unknown' };
}

function finalize(spec, source) {
  return {
    openapi: '3.0.3',
    info: { ...spec.info, 'x-generated-by': 'tools/codegen/generate-coder-client.mjs', 'x-source': source },
    servers: spec.servers,
    paths: Object.fromEntries(Object.entries(spec.paths).sort(([a], [b]) => a.localeCompare(b))),
    components: spec.components,
  };
}

async function generateTypes(spec) {
  const ast = await openapiTS(spec, { alphabetize: true, defaultNonNullable: false });
  const header = [
    '/**',
    ' * GENERATED by tools/codegen/generate-coder-client.mjs from libs/coder-api-client/openapi/coder.openapi.json.',
    ` * Source: ${spec.info['x-source'].input} (${spec.info['x-source'].format}, API ${spec.info['x-source'].apiVersion}).`,
    ' * Do not edit by hand: run `npx nx run coder-api-client:generate`.',
    ' */',
    '',
  ].join('\n');
  return `${header}${astToString(ast)}`;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
