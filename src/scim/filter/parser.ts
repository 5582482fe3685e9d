import type { AttrPath, CompareOp, CompareValue, Filter } from './ast.js';
import { FilterSyntaxError } from './filter-error.js';
import {
  FilterLexer,
  isAttrName,
  keywordOf,
  type Keyword,
  type TextToken,
  type Token,
} from './lexer.js';

/** Bounds that keep a hostile filter from costing more than a normal one. */
export interface FilterLimits {
  /** Longest accepted filter text, in UTF-16 code units. */
  readonly maxLength: number;
  /** Deepest nesting of `( … )`, `not ( … )` and `attr[ … ]` (each counts one level). */
  readonly maxDepth: number;
  /** Most comparisons (`eq` … `le` and `pr`) in one filter. */
  readonly maxComparisons: number;
}

export const DEFAULT_FILTER_LIMITS: FilterLimits = {
  maxLength: 4096,
  maxDepth: 32,
  maxComparisons: 200,
};

const OPERATOR_LIST = 'eq, ne, co, sw, ew, gt, ge, lt, le, pr';

/**
 * Parses a SCIM filter (RFC 7644 §3.4.2.2), already URL-decoded, into its AST.
 *
 * Precedence: `not` binds tighter than `and`, which binds tighter than `or`; `and`/`or` are
 * left-associative. Throws `FilterSyntaxError` (a `ScimError`: 400, scimType `invalidFilter`)
 * naming the 0-based position of the problem, and nothing else: recursion depth is bounded by
 * `limits.maxDepth`, so no input can overflow the stack.
 */
export function parseFilter(text: string, limits?: Partial<FilterLimits>): Filter {
  const effective: FilterLimits = limits
    ? { ...DEFAULT_FILTER_LIMITS, ...limits }
    : DEFAULT_FILTER_LIMITS;
  if (text.length > effective.maxLength) {
    throw new FilterSyntaxError(
      effective.maxLength,
      `the filter is longer than ${effective.maxLength} characters`,
    );
  }
  return new Parser(text, effective).parse();
}

class Parser {
  private readonly lexer: FilterLexer;
  /** The current (not yet consumed) token. */
  private token: Token;
  private depth = 0;
  private comparisons = 0;
  /** Inside `attr[ … ]`, where another `[` is not allowed. */
  private inValueFilter = false;

  constructor(
    text: string,
    private readonly limits: FilterLimits,
  ) {
    this.lexer = new FilterLexer(text);
    this.token = this.lexer.next();
  }

  parse(): Filter {
    if (this.token.kind === 'eof') {
      throw new FilterSyntaxError(this.token.start, 'the filter is empty');
    }
    const filter = this.parseOr();
    const token = this.token;
    if (token.kind === 'eof') return filter;
    if (token.kind === 'rparen') {
      throw new FilterSyntaxError(token.start, 'unexpected ")" without a matching "("');
    }
    if (token.kind === 'rbracket') {
      throw new FilterSyntaxError(token.start, 'unexpected "]" without a matching "["');
    }
    throw this.unexpected('"and", "or" or end of filter');
  }

  private parseOr(): Filter {
    let left = this.parseAnd();
    while (this.isKeyword('or')) {
      this.advance();
      left = { op: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): Filter {
    let left = this.parseUnary();
    while (this.isKeyword('and')) {
      this.advance();
      left = { op: 'and', left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): Filter {
    const token = this.token;
    if (token.kind === 'lparen') return this.parseGroup();
    if (token.kind === 'word') {
      const keyword = keywordOf(token.text);
      if (keyword === 'not') {
        this.advance();
        if (this.token.kind !== 'lparen') {
          throw this.unexpected('"(" after "not" (RFC 7644 requires parentheses: not (…))');
        }
        return { op: 'not', filter: this.parseGroup() };
      }
      // `and`/`or` where an operand belongs: missing operand. Other keywords (eq, pr, true, …)
      // are grammatical attribute names here and resolve (or fail) in the compiler.
      if (keyword !== 'and' && keyword !== 'or') return this.parseAttrExpr(token);
    }
    throw this.unexpected('an attribute path, "(" or "not"');
  }

  /** `( filter )`, the current token being the `(`. */
  private parseGroup(): Filter {
    const open = this.token;
    this.enter(open);
    this.advance();
    const filter = this.parseOr();
    if (this.token.kind !== 'rparen') {
      throw this.unexpected(`"and", "or" or ")" to close the "(" at position ${open.start}`);
    }
    this.advance();
    this.depth--;
    return filter;
  }

  /** `attrPath op value`, `attrPath pr`, `attr[filter]` or `attr[filter].sub op value`. */
  private parseAttrExpr(pathToken: TextToken): Filter {
    const path = parsePath(pathToken);
    this.advance();
    const bracket = this.token;
    if (bracket.kind !== 'lbracket' || bracket.start !== pathToken.end) {
      return this.parseComparison(path, pathToken);
    }
    if (this.inValueFilter) {
      throw new FilterSyntaxError(
        bracket.start,
        'value filters cannot be nested ("[" inside "[…]")',
      );
    }
    if (path.sub !== undefined) {
      throw new FilterSyntaxError(
        bracket.start,
        `"[" must follow an attribute, not the sub-attribute "${pathToken.text}"`,
      );
    }
    this.enter(bracket);
    this.inValueFilter = true;
    this.advance();
    let filter = this.parseOr();
    const close = this.token;
    if (close.kind !== 'rbracket') {
      throw this.unexpected(`"and", "or" or "]" to close the "[" at position ${bracket.start}`);
    }
    this.inValueFilter = false;
    this.depth--;
    this.advance();
    const parent =
      path.uri === undefined ? { attr: path.attr } : { uri: path.uri, attr: path.attr };
    const dot = this.token;
    if (dot.kind === 'dot' && dot.start === close.end) {
      // `emails[type eq "work"].value eq "x"` ≡ `emails[type eq "work" and value eq "x"]`.
      this.advance();
      const sub = this.token;
      if (sub.kind !== 'word' || sub.start !== dot.end) {
        throw this.unexpected('a sub-attribute name right after "."');
      }
      if (!isAttrName(sub.text, 0, sub.text.length)) {
        throw new FilterSyntaxError(sub.start, invalidName(sub.text, '"."'));
      }
      this.advance();
      filter = { op: 'and', left: filter, right: this.parseComparison({ attr: sub.text }, sub) };
    }
    return { op: 'valuePath', path: parent, filter };
  }

  /** The operator and value after an attribute path (the current token is the operator). */
  private parseComparison(path: AttrPath, pathToken: TextToken): Filter {
    const opToken = this.token;
    const opText = opToken.kind === 'word' ? opToken.text : undefined;
    const op = opText === undefined ? undefined : compareOpOf(keywordOf(opText));
    if (op === undefined) {
      throw this.unexpected(`a comparison operator (${OPERATOR_LIST}) after "${pathToken.text}"`);
    }
    if (++this.comparisons > this.limits.maxComparisons) {
      throw new FilterSyntaxError(
        pathToken.start,
        `more than ${this.limits.maxComparisons} comparisons in one filter`,
      );
    }
    if (op === 'pr') {
      this.advance();
      const next = this.token;
      if (
        next.kind === 'string' ||
        (next.kind === 'word' && !this.isKeyword('and') && !this.isKeyword('or'))
      ) {
        throw new FilterSyntaxError(
          next.start,
          `"pr" takes no value, found ${this.lexer.describe(next)}`,
        );
      }
      return { op: 'pr', path };
    }
    const valueToken = this.lexer.nextValue();
    const value = literalOf(valueToken);
    if (value === undefined) {
      this.token = valueToken;
      throw this.unexpected(
        `a value (string, number, true, false or null) after "${opText ?? op}"`,
      );
    }
    this.advance();
    return { op, path, value };
  }

  private enter(token: Token): void {
    if (++this.depth > this.limits.maxDepth) {
      throw new FilterSyntaxError(
        token.start,
        `nested deeper than ${this.limits.maxDepth} levels of "(", "not (" and "["`,
      );
    }
  }

  private advance(): void {
    this.token = this.lexer.next();
  }

  private isKeyword(keyword: 'and' | 'or'): boolean {
    return this.token.kind === 'word' && keywordOf(this.token.text) === keyword;
  }

  private unexpected(expected: string): FilterSyntaxError {
    return new FilterSyntaxError(
      this.token.start,
      `expected ${expected}, found ${this.lexer.describe(this.token)}`,
    );
  }
}

function compareOpOf(keyword: Keyword | undefined): CompareOp | 'pr' | undefined {
  switch (keyword) {
    case 'eq':
    case 'ne':
    case 'co':
    case 'sw':
    case 'ew':
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le':
    case 'pr':
      return keyword;
    case 'and':
    case 'or':
    case 'not':
    case 'true':
    case 'false':
    case 'null':
    case undefined:
      return undefined;
  }
}

/** The value of a literal token, `undefined` if the token is not a value. */
function literalOf(token: Token): CompareValue | undefined {
  switch (token.kind) {
    case 'string':
    case 'bare':
      return token.text;
    case 'number':
      return token.value;
    case 'true':
      return true;
    case 'false':
      return false;
    case 'null':
      return null;
    case 'word': // a keyword where the value belongs
    case 'unknown':
    case 'eof':
    case 'lparen':
    case 'rparen':
    case 'lbracket':
    case 'rbracket':
    case 'dot':
      return undefined;
  }
}

/**
 * `[URI ":"] ATTRNAME ["." ATTRNAME]` from one word. The URI is only recognised as a URN
 * (`urn:…`, case-insensitive), and extends to the last `:`: SCIM schema URNs contain `:` and `.`
 * (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`).
 */
function parsePath(token: TextToken): AttrPath {
  const text = token.text;
  let attrStart = 0;
  let uri: string | undefined;
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0) {
    if (!text.toLowerCase().startsWith('urn:')) {
      throw new FilterSyntaxError(
        token.start,
        `"${text}" is not an attribute path (a schema prefix must be a URN: urn:…:attribute)`,
      );
    }
    uri = text.slice(0, lastColon);
    if (uri.length <= 4 || uri.includes('$')) {
      throw new FilterSyntaxError(token.start, `"${uri}" is not a valid schema URN`);
    }
    attrStart = lastColon + 1;
  }
  const dot = text.indexOf('.', attrStart);
  const attrEnd = dot < 0 ? text.length : dot;
  if (!isAttrName(text, attrStart, attrEnd)) {
    throw new FilterSyntaxError(
      token.start + attrStart,
      invalidName(text.slice(attrStart, attrEnd), '":"'),
    );
  }
  const attr = text.slice(attrStart, attrEnd);
  if (dot < 0) return uri === undefined ? { attr } : { uri, attr };
  const secondDot = text.indexOf('.', dot + 1);
  if (secondDot >= 0) {
    throw new FilterSyntaxError(
      token.start + secondDot,
      `"${text}" has more than one sub-attribute (at most attribute.subAttribute)`,
    );
  }
  if (!isAttrName(text, dot + 1, text.length)) {
    throw new FilterSyntaxError(token.start + dot + 1, invalidName(text.slice(dot + 1), '"."'));
  }
  const sub = text.slice(dot + 1);
  return uri === undefined ? { attr, sub } : { uri, attr, sub };
}

/** `after` names what an empty name followed (`":"` of a URN or `"."` of a sub-attribute). */
function invalidName(name: string, after: string): string {
  if (name === '') return `expected an attribute name after ${after}`;
  return `"${name}" is not a valid attribute name (a letter, then letters, digits, "-" or "_")`;
}
