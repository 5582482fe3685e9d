import type { AttrPath, CompareValue, Filter } from './ast.js';

// Binding strength: a child that binds more weakly than its position allows gets parentheses.
const OR = 1;
const AND = 2;
const UNARY = 3;

/**
 * Canonical filter text for an AST: lower-case operators, single spaces, every string quoted and
 * JSON-escaped, parentheses exactly where precedence or left-associativity needs them, and value
 * paths in bracket form. `parseFilter(printFilter(ast))` deep-equals `ast` for every AST the parser
 * can produce (names are printed as given: an AST with invalid names prints text that will not parse).
 */
export function printFilter(filter: Filter): string {
  return print(filter, OR);
}

function print(filter: Filter, minStrength: number): string {
  switch (filter.op) {
    case 'or':
      return wrap(`${print(filter.left, OR)} or ${print(filter.right, AND)}`, OR, minStrength);
    case 'and':
      return wrap(`${print(filter.left, AND)} and ${print(filter.right, UNARY)}`, AND, minStrength);
    case 'not':
      return `not (${print(filter.filter, OR)})`;
    case 'valuePath':
      return `${printPath(filter.path)}[${print(filter.filter, OR)}]`;
    case 'pr':
      return `${printPath(filter.path)} pr`;
    case 'eq':
    case 'ne':
    case 'co':
    case 'sw':
    case 'ew':
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le':
      return `${printPath(filter.path)} ${filter.op} ${printValue(filter.value)}`;
  }
}

function wrap(text: string, strength: number, minStrength: number): string {
  return strength < minStrength ? `(${text})` : text;
}

export function printPath(path: AttrPath): string {
  const name = path.sub === undefined ? path.attr : `${path.attr}.${path.sub}`;
  return path.uri === undefined ? name : `${path.uri}:${name}`;
}

export function printValue(value: CompareValue): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`a filter cannot hold the number ${value}`);
    // String(-0) is "0"; keep the sign so the round trip is exact.
    return Object.is(value, -0) ? '-0' : String(value);
  }
  return String(value);
}
