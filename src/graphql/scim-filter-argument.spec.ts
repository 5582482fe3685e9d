import { DomainError, DomainErrorCode } from '../common/domain-error.js';
import { SchemaRegistry } from '../scim/schema/registry.js';
import { USER_FILTER_COLUMNS, USER_FILTER_RELATIONS } from '../users/users.repository.js';
import { compileFilterArgument } from './scim-filter-argument.js';

const target = {
  registry: SchemaRegistry.builtIn(),
  resourceType: 'User' as const,
  document: 'u.resource',
  columns: USER_FILTER_COLUMNS,
  relations: USER_FILTER_RELATIONS,
};

const compile = (text: string | null) => compileFilterArgument(text, target, 2, 'userName');

describe('compileFilterArgument', () => {
  it.each([null, '', '   '])('has no condition for %j', (text) => {
    expect(compile(text)).toEqual({});
  });

  it('compiles as /scim/v2 does, parameters from $2', () => {
    expect(compile('userName eq "Alice"')).toEqual({
      where: { sql: 'lower(u.user_name) = lower($2)', params: ['Alice'] },
    });
  });

  it.each([
    ['userName sw "Al"', 'Al'],
    ['USERNAME sw "al"', 'al'],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName sw "a"', 'a'],
    ['active eq true and userName sw "b"', 'b'],
    ['(userName sw "c" and active eq true) and displayName pr', 'c'],
  ])('finds the prefix every match of %s starts with', (text, prefix) => {
    expect(compile(text).prefix).toBe(prefix);
  });

  it.each([
    'userName sw "a" or userName sw "b"',
    'not (userName sw "a")',
    'userName co "a"',
    'displayName sw "a"',
    'emails[value sw "a"]',
  ])('finds no prefix in %s', (text) => {
    expect(compile(text).prefix).toBeUndefined();
  });

  it.each([
    ['userName eq', /^invalid filter at position 11: /],
    ['shoeSize gt 40', /^invalid filter: .*shoeSize/],
  ])('refuses %s as invalid input with the SCIM message', (text, message) => {
    let thrown: unknown;
    try {
      compile(text);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect((thrown as DomainError).code).toBe(DomainErrorCode.InvalidInput);
    expect((thrown as DomainError).message).toMatch(message);
  });
});
