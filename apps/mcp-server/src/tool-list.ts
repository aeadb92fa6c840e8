/**
 * What `tools/list` costs a model: every tool's name, title, description, annotations and JSON schemas land
 * in its context on every session. The SDK derives those schemas from the zod schemas in full (64 KB for 13
 * tools, ~70 % of it output schemas); `compactToolList` keeps what a model needs and drops the rest, for
 * every tool, so a new tool is compact without its author doing anything:
 *
 * - input schemas stay complete (every argument, its type, bounds, enum and description), minus noise:
 *   `$schema`, the ±2^53 bounds zod writes for every integer, a regex `pattern` beside a `format` that says
 *   the same (date-time, uuid), `minLength: 1` and `minItems: 1` (no model sends an empty name or list; the
 *   server still refuses one), a description repeated inside an `anyOf` branch or `items` of a field that
 *   has its own (described once), the single-value branch of "one value or several" (the list alone), and
 *   `default: false` of a flag (an absent flag is off);
 * - output schemas name the top-level fields of `structuredContent` and their JSON types; nested objects
 *   and arrays say only their type. The text block of every answer carries the same data rendered, and the
 *   server still validates `structuredContent` against the full zod schema before sending it;
 * - annotations keep all four hints but not a `title` repeating the tool's; `execution: {taskSupport:
 *   forbidden}` (the SDK's default) is left out, as its absence means the same.
 *
 * The budget (TOOL_LIST_BUDGET_CHARS) is asserted by tool-list.spec.ts.
 */

/**
 * The most `tools/list` may cost (JSON characters of the whole answer): issue #15's context budget. It is
 * 22,986 now; the ~500 characters of headroom catch a regression without blocking a new field.
 */
export const TOOL_LIST_BUDGET_CHARS = 23_500;

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (x: Json): x is JsonObject => typeof x === 'object' && x !== null && !Array.isArray(x);
const INT_BOUND = 9_007_199_254_740_991;

/** An input schema without noise (see the file comment); `described`: an enclosing node already has a description. */
export function compactInputSchema(schema: Json, described = false): Json {
  if (Array.isArray(schema)) return schema.map((s) => compactInputSchema(s, described));
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  const hasDescription = typeof schema['description'] === 'string';
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema') continue;
    if ((key === 'maximum' && value === INT_BOUND) || (key === 'minimum' && value === -INT_BOUND)) continue;
    if (key === 'pattern' && typeof schema['format'] === 'string') continue;
    if ((key === 'minLength' || key === 'minItems') && value === 1) continue;
    if (key === 'description' && described) continue;
    if (key === 'default' && value === false && schema['type'] === 'boolean') continue;
    if (key === 'anyOf' && oneOrSeveral(value)) {
      Object.assign(out, compactInputSchema(oneOrSeveral(value), true));
      continue;
    }
    if (key === 'properties' && isObject(value)) out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compactInputSchema(v)]));
    else out[key] = compactInputSchema(value, described || ((key === 'anyOf' || key === 'oneOf' || key === 'items') && hasDescription));
  }
  return out;
}

/**
 * The array branch of `anyOf: [X, {type: array, items: X}]` ("one value or several"): advertised alone, as a
 * list of one says the same; the server still accepts the single value.
 */
function oneOrSeveral(branches: Json): JsonObject | undefined {
  if (!Array.isArray(branches) || branches.length !== 2) return undefined;
  const [one, several] = branches as Json[];
  if (!isObject(several) || several['type'] !== 'array') return undefined;
  return JSON.stringify(compactInputSchema(one, true)) === JSON.stringify(compactInputSchema(several['items'], true)) ? several : undefined;
}

/** The JSON type(s) of a schema node: its `type`, or the types of its `anyOf` branches (nullable fields). */
function typeOf(schema: Json): Json {
  if (!isObject(schema)) return undefined;
  if (schema['type'] !== undefined) return schema['type'];
  const branches = schema['anyOf'] ?? schema['oneOf'];
  if (Array.isArray(branches)) {
    const types = [...new Set(branches.flatMap((b) => [typeOf(b)].flat()).filter((t): t is string => typeof t === 'string'))];
    return types.length === 1 ? types[0] : types.length > 1 ? types : undefined;
  }
  if (schema['const'] !== undefined) return typeof schema['const'] === 'number' ? 'number' : typeof schema['const'];
  if (Array.isArray(schema['enum'])) return 'string';
  return undefined;
}

/** An output schema as the top-level fields of `structuredContent` and their JSON types (see the file comment). */
export function compactOutputSchema(schema: Json): Json {
  if (!isObject(schema)) return schema;
  const properties = isObject(schema['properties']) ? schema['properties'] : {};
  return {
    type: 'object',
    properties: Object.fromEntries(
      Object.entries(properties).map(([name, field]) => {
        const type = typeOf(field);
        return [name, type === undefined ? {} : { type }];
      }),
    ),
  };
}

/** Annotations without a `title` equal to the tool's own (the four hints always stay). */
function withoutRepeatedTitle(annotations: Json, title: Json): Json {
  if (!isObject(annotations) || annotations['title'] !== title) return annotations;
  const { title: _repeated, ...hints } = annotations;
  return hints;
}

/** A `tools/list` result with every tool's schemas compacted (other fields untouched). */
export function compactToolList<T>(result: T): T {
  if (!isObject(result) || !Array.isArray(result['tools'])) return result;
  const tools = result['tools'].map((tool: Json) => {
    if (!isObject(tool)) return tool;
    const { execution, annotations, ...rest } = tool;
    return {
      ...rest,
      ...(tool['inputSchema'] !== undefined ? { inputSchema: compactInputSchema(tool['inputSchema']) } : {}),
      ...(tool['outputSchema'] !== undefined ? { outputSchema: compactOutputSchema(tool['outputSchema']) } : {}),
      ...(annotations !== undefined ? { annotations: withoutRepeatedTitle(annotations, tool['title']) } : {}),
      // `taskSupport: forbidden` is what an absent `execution` means (MCP 2025-11-25): said by saying nothing.
      ...(isObject(execution) && execution['taskSupport'] === 'forbidden' && Object.keys(execution).length === 1 ? {} : execution !== undefined ? { execution } : {}),
    };
  });
  return { ...result, tools } as T;
}
