import DataLoader from 'dataloader';

/**
 * The DataLoaders of one GraphQL request (on the context as `loaders`). A feature module asks for
 * its loader by a key of its own and a factory; the same request gets the same loader back, so
 * every field resolver of a page is answered by one batched query. A new request starts empty:
 * nothing is cached across requests (or tenants).
 */
export class RequestLoaders {
  private readonly loaders = new Map<string, DataLoader<unknown, unknown>>();

  get<K, V, C = K>(key: string, create: () => DataLoader<K, V, C>): DataLoader<K, V, C> {
    let loader = this.loaders.get(key) as DataLoader<K, V, C> | undefined;
    if (!loader) {
      loader = create();
      this.loaders.set(key, loader);
    }
    return loader;
  }
}

/**
 * Loads one row by id through the request's loader `name` (created on first use): every `loadById`
 * of a request's tick becomes one `fetch` of all the ids asked for; an id without a row is null.
 */
export function loadById<R extends { readonly id: string }, T>(
  loaders: RequestLoaders,
  name: string,
  fetch: (ids: readonly string[]) => Promise<R[]>,
  toNode: (row: R) => T,
  id: string,
): Promise<T | null> {
  return loaders
    .get(name, () => {
      return new DataLoader<string, T | null>(async (ids) => {
        const byId = new Map((await fetch(ids)).map((row) => [row.id, toNode(row)]));
        return ids.map((key) => byId.get(key) ?? null);
      });
    })
    .load(id);
}

/** The GraphQL context of every request. */
export interface GraphqlContext {
  readonly req: import('express').Request;
  readonly res: import('express').Response;
  readonly loaders: RequestLoaders;
}
