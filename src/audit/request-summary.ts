import type { RequestSummary, SummaryValue } from './audit.types.js';

/** What replaces a secret in a summary. */
export const REDACTED = '[redacted]';

/** How much of a request a summary keeps at one level of detail. */
export interface SummaryLimits {
  /** Items kept from an array; the rest become one `"[+N more]"` marker. */
  readonly arrayItems: number;
  /** Characters kept from a string; the rest become `…[+N chars]`. */
  readonly stringLength: number;
  /** Keys kept from an object; the rest become one `"[truncated]": "+N more keys"` entry. */
  readonly objectKeys: number;
  /** Nesting kept; deeper objects and arrays become `"[object]"` / `"[array of N]"`. */
  readonly depth: number;
}

/**
 * Levels of detail, tried in order until the summary fits in the byte budget. The last resort,
 * when even the coarsest level does not fit, is `{ truncated: true }`.
 */
export const SUMMARY_LEVELS: readonly SummaryLimits[] = [
  { arrayItems: 10, stringLength: 256, objectKeys: 50, depth: 8 },
  { arrayItems: 3, stringLength: 64, objectKeys: 20, depth: 5 },
  { arrayItems: 1, stringLength: 32, objectKeys: 8, depth: 3 },
];

/** Default budget of one summary, in UTF-8 bytes of its JSON. */
export const SUMMARY_MAX_BYTES = 4096;

/**
 * Keys whose value is a secret wherever they appear: SCIM's `password`, and anything named like a
 * credential (`client_secret`, `accessToken`, `apiKey`, `Authorization`, `privateKey`, …).
 */
const SECRET_KEY =
  /passw|^pwd$|secret|token|api[-_]?key|authori[sz]ation|credential|private[-_]?key|cookie|session[-_]?id/i;

/** A JSON Web Token (three base64url parts, the first one a JSON object): a bearer credential. */
const JWT = /^eyJ[\w-]*\.[\w-]+\.[\w-]*$/;

/** A double-quoted literal in a filter (with SCIM's backslash escapes). */
const QUOTED = /"(?:[^"\\]|\\.)*"/g;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/**
 * True when a SCIM attribute path names a secret: `password`, `urn:…:User:password`,
 * `name.secretThing`. Used for PATCH operations, whose secret sits in `value` beside `path`.
 */
export function isSecretPath(path: string): boolean {
  return path.split(/[.:[\]\s]+/).some((segment) => segment !== '' && isSecretKey(segment));
}

export interface RequestInput {
  /** Parsed query parameters (repeated ones as arrays). */
  readonly query?: Readonly<Record<string, unknown>>;
  /** The parsed JSON body; `undefined` when there was none (or it could not be parsed). */
  readonly body?: unknown;
}

/**
 * A redacted, size-bounded JSON summary of a request for its audit row: query parameters and
 * body, with secrets (by key, by PATCH path, bearer tokens by shape) replaced by `"[redacted]"`,
 * long arrays, strings and objects cut with a count of what was left out, and the whole kept
 * under `maxBytes` of JSON. Only what is kept is visited, so a 10 000-member PATCH costs the same
 * as a 10-member one. `null` when the request had neither query nor body.
 */
export function summarizeRequest(
  input: RequestInput,
  maxBytes: number = SUMMARY_MAX_BYTES,
): RequestSummary | null {
  const hasQuery = input.query !== undefined && Object.keys(input.query).length > 0;
  const hasBody = input.body !== undefined;
  if (!hasQuery && !hasBody) return null;
  for (const limits of SUMMARY_LEVELS) {
    const summary: { query?: { [key: string]: SummaryValue }; body?: SummaryValue } = {};
    if (hasQuery) summary.query = summarizeQuery(input.query ?? {}, limits);
    if (hasBody) summary.body = summarizeValue(input.body, limits);
    if (byteLength(summary) <= maxBytes) return summary;
  }
  return { truncated: true };
}

function summarizeQuery(
  query: Readonly<Record<string, unknown>>,
  limits: SummaryLimits,
): { [key: string]: SummaryValue } {
  const out: { [key: string]: SummaryValue } = {};
  const keys = Object.keys(query);
  for (const key of keys.slice(0, limits.objectKeys)) {
    const value = query[key];
    out[clip(key, limits)] = isSecretKey(key)
      ? REDACTED
      : summarizeValue(redactFilterLiterals(value), limits);
  }
  if (keys.length > limits.objectKeys) {
    out['[truncated]'] = `+${keys.length - limits.objectKeys} more keys`;
  }
  return out;
}

/** A query value that names a secret attribute (`filter=password eq "x"`) loses its literals. */
function redactFilterLiterals(value: unknown): unknown {
  if (typeof value === 'string') {
    return isSecretPath(value.replace(QUOTED, '""'))
      ? value.replace(QUOTED, `"${REDACTED}"`)
      : value;
  }
  return Array.isArray(value) ? value.map(redactFilterLiterals) : value;
}

function summarizeValue(value: unknown, limits: SummaryLimits, depth = 0): SummaryValue {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string') return JWT.test(value) ? REDACTED : clip(value, limits);
  if (Array.isArray(value)) {
    if (depth >= limits.depth) return `[array of ${value.length}]`;
    const kept: SummaryValue[] = value
      .slice(0, limits.arrayItems)
      .map((item: unknown) => summarizeValue(item, limits, depth + 1));
    if (value.length > limits.arrayItems) kept.push(`[+${value.length - limits.arrayItems} more]`);
    return kept;
  }
  if (typeof value === 'object') {
    if (depth >= limits.depth) return '[object]';
    return summarizeObject(value as Record<string, unknown>, limits, depth);
  }
  // undefined, functions, symbols, bigints: not JSON; never in a parsed body.
  return null;
}

function summarizeObject(
  object: Record<string, unknown>,
  limits: SummaryLimits,
  depth: number,
): { [key: string]: SummaryValue } {
  const out: { [key: string]: SummaryValue } = {};
  const keys = Object.keys(object);
  // A PATCH operation (`{op, path, value}`) whose path names a secret: its value is the secret.
  const pathKey = keys.find((key) => key.toLowerCase() === 'path');
  const pathValue = pathKey === undefined ? undefined : object[pathKey];
  const secretValue = typeof pathValue === 'string' && isSecretPath(pathValue);
  for (const key of keys.slice(0, limits.objectKeys)) {
    const secret = isSecretKey(key) || (secretValue && key.toLowerCase() === 'value');
    out[clip(key, limits)] = secret ? REDACTED : summarizeValue(object[key], limits, depth + 1);
  }
  if (keys.length > limits.objectKeys) {
    out['[truncated]'] = `+${keys.length - limits.objectKeys} more keys`;
  }
  return out;
}

function clip(text: string, limits: SummaryLimits): string {
  if (text.length <= limits.stringLength) return storableText(text);
  // Never cut a surrogate pair in two.
  const end = isHighSurrogate(text.charCodeAt(limits.stringLength - 1))
    ? limits.stringLength - 1
    : limits.stringLength;
  return `${storableText(text.slice(0, end))}…[+${text.length - end} chars]`;
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;

// eslint-disable-next-line no-control-regex -- NUL is exactly what must go
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Text PostgreSQL accepts in `text` and `jsonb`: NUL characters and unpaired surrogates (which
 * `JSON.parse` lets through from `\u` escapes) become U+FFFD. An audit insert that fails would
 * fail the write it belongs to.
 */
export function storableText(text: string): string {
  return text.replace(UNSTORABLE, '\ufffd');
}

function byteLength(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}
