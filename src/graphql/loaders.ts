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

/** The GraphQL context of every request. */
export interface GraphqlContext {
  readonly req: import('express').Request;
  readonly res: import('express').Response;
  readonly loaders: RequestLoaders;
}
