import type { CompareOp } from './ast.js';
import { FilterSyntaxError } from './filter-error.js';

/**
 * Hand-written lexer over char codes for SCIM filters (RFC 7644 §3.4.2.2).
 *
 * It is pulled by the parser in one of two modes, because the same characters mean different things
 * by position: `next()` reads structure (attribute paths, operators, keywords, brackets) and
 * `nextValue()` reads the comparison value after an operator. Only value mode knows numbers,
 * `true`/`false`/`null` and unquoted values (see `nextValue`).
 *
 * Offsets are 0-based indices into the text (UTF-16 code units).
 */

export type PunctKind = 'lparen' | 'rparen' | 'lbracket' | 'rbracket' | 'dot';

interface TokenSpan {
  readonly start: number;
  readonly end: number;
}

export type Token =
  | (TokenSpan & { readonly kind: 'eof' | PunctKind | 'true' | 'false' | 'null' })
  /**
   * `word`: a run of name characters (letters, digits, `-`, `_`, `$`, `:`, `.`) in structure mode,
   * or a keyword met where a value was expected. `text` is the source text.
   * `string`: a JSON string; `text` is the decoded content.
   * `bare`: an unquoted value (value mode only); `text` is the source text.
   * `unknown`: one character that starts no token.
   */
  | (TokenSpan & { readonly kind: 'word' | 'string' | 'bare' | 'unknown'; readonly text: string })
  | (TokenSpan & { readonly kind: 'number'; readonly value: number });

/** A token that carries text (`word`, `string`, `bare`, `unknown`). */
export type TextToken = Extract<Token, { readonly text: string }>;

export type Keyword = CompareOp | 'pr' | 'and' | 'or' | 'not' | 'true' | 'false' | 'null';

const KEYWORDS: ReadonlyMap<string, Keyword> = new Map<string, Keyword>(
  (
    [
      'eq',
      'ne',
      'co',
      'sw',
      'ew',
      'gt',
      'ge',
      'lt',
      'le',
      'pr',
      'and',
      'or',
      'not',
      'true',
      'false',
      'null',
    ] as const
  ).map((k) => [k, k]),
);

/** Operators and keywords are case-insensitive (`EQ`, `And`, `True`). */
export function keywordOf(text: string): Keyword | undefined {
  // Every keyword is 2–5 characters: skip the lower-casing for attribute names.
  if (text.length < 2 || text.length > 5) return undefined;
  return KEYWORDS.get(text.toLowerCase());
}

// Character classes for ASCII, as bit flags in a lookup table.
const ALPHA = 1;
const DIGIT = 2;
/** `-` and `_`, which ATTRNAME allows after the first letter. */
const NAME_EXTRA = 4;
/** `$` (for `$ref`), `:` and `.` (URNs, sub-attributes): may appear inside a path word. */
const PATH_EXTRA = 8;
const SPACE = 16;
/** Characters that end an unquoted value: whitespace, brackets, parentheses and `"`. */
const VALUE_END = 32;

const CLASS = new Uint8Array(128);
for (let c = 0x41; c <= 0x5a; c++) CLASS[c] = ALPHA;
for (let c = 0x61; c <= 0x7a; c++) CLASS[c] = ALPHA;
for (let c = 0x30; c <= 0x39; c++) CLASS[c] = DIGIT;
CLASS[0x2d] = NAME_EXTRA; // -
CLASS[0x5f] = NAME_EXTRA; // _
CLASS[0x24] = PATH_EXTRA; // $
CLASS[0x3a] = PATH_EXTRA; // :
CLASS[0x2e] = PATH_EXTRA; // .
// JSON whitespace; RFC 7644 asks for single spaces, but tabs and runs of spaces are harmless.
for (const c of [0x20, 0x09, 0x0a, 0x0d]) CLASS[c] = SPACE | VALUE_END;
for (const c of [0x28, 0x29, 0x5b, 0x5d, 0x22]) CLASS[c] = VALUE_END; // ( ) [ ] "

const WORD_CHAR = ALPHA | DIGIT | NAME_EXTRA | PATH_EXTRA;

function classOf(code: number): number {
  return code < 128 ? (CLASS[code] ?? 0) : 0;
}

/** ATTRNAME = ALPHA *(ALPHA / DIGIT / "-" / "_"), plus `$ref` (RFC 7643 §2.4 `members.$ref`). */
export function isAttrName(text: string, start: number, end: number): boolean {
  if (start >= end) return false;
  if (end - start === 4 && text.charCodeAt(start) === 0x24) {
    return text.slice(start + 1, end).toLowerCase() === 'ref';
  }
  if ((classOf(text.charCodeAt(start)) & ALPHA) === 0) return false;
  for (let i = start + 1; i < end; i++) {
    if ((classOf(text.charCodeAt(i)) & (ALPHA | DIGIT | NAME_EXTRA)) === 0) return false;
  }
  return true;
}

/** Whether `text[start, end)` is exactly a JSON number: `-? (0 | [1-9]\d*) (.\d+)? ([eE][+-]?\d+)?`. */
function isJsonNumber(text: string, start: number, end: number): boolean {
  let i = start;
  if (text.charCodeAt(i) === 0x2d) i++;
  if (i >= end) return false;
  const first = text.charCodeAt(i);
  if (first === 0x30) {
    i++;
  } else if (first >= 0x31 && first <= 0x39) {
    i = skipDigits(text, i, end);
  } else {
    return false;
  }
  if (i < end && text.charCodeAt(i) === 0x2e) {
    const afterDot = i + 1;
    i = skipDigits(text, afterDot, end);
    if (i === afterDot) return false;
  }
  if (i < end && (text.charCodeAt(i) | 0x20) === 0x65) {
    i++;
    const sign = text.charCodeAt(i);
    if (sign === 0x2b || sign === 0x2d) i++;
    const digitsStart = i;
    i = skipDigits(text, i, end);
    if (i === digitsStart) return false;
  }
  return i === end;
}

function skipDigits(text: string, start: number, end: number): number {
  let i = start;
  while (i < end && (classOf(text.charCodeAt(i)) & DIGIT) !== 0) i++;
  return i;
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

export class FilterLexer {
  private pos = 0;

  constructor(readonly text: string) {}

  /** Next token in structure mode. */
  next(): Token {
    const text = this.text;
    const start = this.skipSpace();
    if (start >= text.length) return { kind: 'eof', start, end: start };
    const code = text.charCodeAt(start);
    switch (code) {
      case 0x28:
        return this.punct('lparen', start);
      case 0x29:
        return this.punct('rparen', start);
      case 0x5b:
        return this.punct('lbracket', start);
      case 0x5d:
        return this.punct('rbracket', start);
      case 0x2e:
        return this.punct('dot', start);
      case 0x22:
        return this.string(start);
      default:
        break;
    }
    if ((classOf(code) & WORD_CHAR) !== 0) {
      let i = start + 1;
      while (i < text.length && (classOf(text.charCodeAt(i)) & WORD_CHAR) !== 0) i++;
      this.pos = i;
      return { kind: 'word', start, end: i, text: text.slice(start, i) };
    }
    // Take a whole surrogate pair so the error message quotes a real character.
    const end = code >= 0xd800 && code <= 0xdbff && start + 1 < text.length ? start + 2 : start + 1;
    this.pos = end;
    return { kind: 'unknown', start, end, text: text.slice(start, end) };
  }

  /**
   * Next token in value mode (right after a comparison operator).
   *
   * Leniency beyond RFC 7644: an unquoted run of characters up to whitespace, `(`, `)`, `[`, `]` or
   * `"` that is not a JSON number, `true`, `false` or `null` is taken as a string. Microsoft's
   * Postman conformance collection sends such filters (`name.FamilyName eq Employee`,
   * `emails.Value co example.com`, `meta.Created gt 2015-10-10T14:38:21.8617979-07:00`; see
   * shared/spec/entra.md §8.1). A bare `and`, `or`, `not` or operator is not a value (it is returned
   * as a `word`, so the parser reports a missing value), and neither is an out-of-range number.
   */
  nextValue(): Token {
    const text = this.text;
    const start = this.skipSpace();
    if (start >= text.length) return { kind: 'eof', start, end: start };
    const code = text.charCodeAt(start);
    if (code === 0x22) return this.string(start);
    if ((classOf(code) & VALUE_END) !== 0) return this.next();
    let i = start + 1;
    while (i < text.length && (classOf(text.charCodeAt(i)) & VALUE_END) === 0) i++;
    this.pos = i;
    if (isJsonNumber(text, start, i)) {
      const value = Number(text.slice(start, i));
      if (!Number.isFinite(value)) {
        throw new FilterSyntaxError(start, `number ${text.slice(start, i)} is out of range`);
      }
      return { kind: 'number', start, end: i, value };
    }
    const word = text.slice(start, i);
    const keyword = keywordOf(word);
    if (keyword === 'true' || keyword === 'false' || keyword === 'null') {
      return { kind: keyword, start, end: i };
    }
    return { kind: keyword === undefined ? 'bare' : 'word', start, end: i, text: word };
  }

  /** How an error message names a token: its source text, quoted, shortened if long. */
  describe(token: Token): string {
    if (token.kind === 'eof') return 'end of filter';
    const source = this.text.slice(token.start, token.end);
    const shown = source.length > 40 ? `${source.slice(0, 40)}…` : source;
    // JSON quoting keeps control characters out of the message.
    return token.kind === 'string' ? `the string ${shown}` : JSON.stringify(shown);
  }

  private skipSpace(): number {
    const text = this.text;
    let i = this.pos;
    while (i < text.length && (classOf(text.charCodeAt(i)) & SPACE) !== 0) i++;
    this.pos = i;
    return i;
  }

  private punct(kind: PunctKind, start: number): Token {
    this.pos = start + 1;
    return { kind, start, end: start + 1 };
  }

  /** A JSON string (RFC 8259 §7) starting at the `"` at `start`. */
  private string(start: number): Token {
    const text = this.text;
    let out = '';
    let chunk = start + 1;
    let i = chunk;
    for (;;) {
      if (i >= text.length) {
        throw new FilterSyntaxError(start, 'unterminated string (no closing ")');
      }
      const code = text.charCodeAt(i);
      if (code === 0x22) break;
      if (code === 0x5c) {
        out += text.slice(chunk, i);
        const [decoded, length] = this.escape(start, i);
        out += decoded;
        i += length;
        chunk = i;
        continue;
      }
      if (code < 0x20) {
        const hex = code.toString(16).padStart(4, '0');
        throw new FilterSyntaxError(i, `control character U+${hex} must be escaped in a string`);
      }
      i++;
    }
    out += text.slice(chunk, i);
    this.pos = i + 1;
    return { kind: 'string', start, end: i + 1, text: out };
  }

  /** Decodes the escape at `at` (a backslash); returns the text and the escape's length. */
  private escape(stringStart: number, at: number): [string, number] {
    const text = this.text;
    if (at + 1 >= text.length) {
      throw new FilterSyntaxError(stringStart, 'unterminated string (no closing ")');
    }
    const code = text.charCodeAt(at + 1);
    switch (code) {
      case 0x22:
        return ['"', 2];
      case 0x5c:
        return ['\\', 2];
      case 0x2f:
        return ['/', 2];
      case 0x62:
        return ['\b', 2];
      case 0x66:
        return ['\f', 2];
      case 0x6e:
        return ['\n', 2];
      case 0x72:
        return ['\r', 2];
      case 0x74:
        return ['\t', 2];
      case 0x75: {
        let value = 0;
        for (let k = at + 2; k < at + 6; k++) {
          const digit = k < text.length ? hexValue(text.charCodeAt(k)) : -1;
          if (digit < 0) {
            throw new FilterSyntaxError(at, 'invalid escape: \\u must be followed by 4 hex digits');
          }
          value = value * 16 + digit;
        }
        return [String.fromCharCode(value), 6];
      }
      default: {
        const shown = String.fromCodePoint(text.codePointAt(at + 1) ?? code);
        throw new FilterSyntaxError(
          at,
          `invalid escape "\\${shown}" in string (allowed: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)`,
        );
      }
    }
  }
}
