import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { IS_PUBLIC } from '../src/common/public.decorator.js';
import { MUTATION_AUDIT } from '../src/graphql/mutation-audit.js';
import { useApp } from './support/app.js';

const RESOLVER_TYPE = 'graphql:resolver_type';
const RESOLVER_PROPERTY = 'graphql:resolve_property';

type AnyFunction = (...args: never[]) => unknown;
type Handler = { owner: AnyFunction; method: string; kind: string };

/**
 * Every HTTP route and every GraphQL query, mutation and field resolver must carry a guard (on
 * its class or itself) or be deliberately marked @Public(). This test lists any that is neither.
 */
describe('every route and resolver is guarded or explicitly public', () => {
  const t = useApp();

  function handlers(): Handler[] {
    const discovery = t.app.get(DiscoveryService);
    const scanner = t.app.get(MetadataScanner);
    const found: Handler[] = [];
    const collect = (
      instance: object | undefined,
      isEndpoint: (fn: AnyFunction) => string | undefined,
    ) => {
      if (!instance) return;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of scanner.getAllMethodNames(prototype)) {
        const fn = (prototype as Record<string, AnyFunction>)[method]!;
        const kind = isEndpoint(fn);
        if (kind) found.push({ owner: prototype.constructor as AnyFunction, method, kind });
      }
    };
    for (const wrapper of discovery.getControllers()) {
      collect(wrapper.instance as object, (fn) =>
        Reflect.getMetadata(PATH_METADATA, fn) !== undefined &&
        Reflect.getMetadata(METHOD_METADATA, fn) !== undefined
          ? 'route'
          : undefined,
      );
    }
    for (const wrapper of discovery.getProviders()) {
      if (!wrapper.metatype || !wrapper.instance) continue;
      const isResolver =
        Reflect.getMetadata(RESOLVER_TYPE, wrapper.metatype) !== undefined ||
        Reflect.getMetadata('graphql:resolver_name', wrapper.metatype) !== undefined;
      if (!isResolver) continue;
      collect(
        wrapper.instance as object,
        (fn) =>
          (Reflect.getMetadata(RESOLVER_TYPE, fn) as string | undefined) ??
          (Reflect.getMetadata(RESOLVER_PROPERTY, fn) ? 'field' : undefined),
      );
    }
    return found;
  }

  it('finds the routes and resolvers of the app', () => {
    const names = handlers().map((h) => `${h.owner.name}.${h.method}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'HealthController.ready',
        'MetricsController.render',
        'ScimNotImplementedController.answer',
        'TenantsResolver.createTenant',
        'ScimTokensResolver.mintScimToken',
        'ScimTokensResolver.revokeScimToken',
      ]),
    );
  });

  it('has no unguarded, non-public handler', () => {
    const unguarded = handlers()
      .filter(({ owner, method }) => {
        const fn = (owner.prototype as Record<string, AnyFunction>)[method]!;
        const guards = [
          ...((Reflect.getMetadata(GUARDS_METADATA, owner) as unknown[] | undefined) ?? []),
          ...((Reflect.getMetadata(GUARDS_METADATA, fn) as unknown[] | undefined) ?? []),
        ];
        const isPublic =
          Reflect.getMetadata(IS_PUBLIC, owner) === true ||
          Reflect.getMetadata(IS_PUBLIC, fn) === true;
        return guards.length === 0 && !isPublic;
      })
      .map(({ owner, method, kind }) => `${kind} ${owner.name}.${method}`);
    expect(unguarded).toEqual([]);
  });

  it('public handlers are only health and metrics', () => {
    const publicOnes = handlers()
      .filter(({ owner }) => Reflect.getMetadata(IS_PUBLIC, owner) === true)
      .map(({ owner }) => owner.name);
    expect([...new Set(publicOnes)].sort()).toEqual(['HealthController', 'MetricsController']);
  });

  it('every mutation carries @AuditedMutation (which puts the audit interceptor on it)', () => {
    const mutations = handlers().filter(({ kind }) => kind === 'Mutation');
    expect(mutations.length).toBeGreaterThan(5);
    const unaudited = mutations
      .filter(({ owner, method }) => {
        const fn = (owner.prototype as Record<string, AnyFunction>)[method]!;
        return Reflect.getMetadata(MUTATION_AUDIT, fn) === undefined;
      })
      .map(({ owner, method }) => `${owner.name}.${method}`);
    expect(unaudited).toEqual([]);
  });
});
