export {
  COMPARE_OPS,
  type AndFilter,
  type AttrPath,
  type CompareFilter,
  type CompareOp,
  type CompareValue,
  type Filter,
  type NotFilter,
  type OrFilter,
  type PresentFilter,
  type ValuePathFilter,
} from './ast.js';
export { FilterSyntaxError } from './filter-error.js';
export { DEFAULT_FILTER_LIMITS, parseFilter, type FilterLimits } from './parser.js';
export { printFilter, printPath, printValue } from './printer.js';
export {
  compileFilter,
  compileSortBy,
  type SqlColumn,
  type SqlFilterTarget,
  type SqlFragment,
  type SqlRelation,
} from './compile-sql.js';
export { DATE_TIME_PATTERN, parseDateTime, type DateTimeKey } from './date-time.js';
export { compareCodePoints, matchesFilter } from './matcher.js';
