import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What the code running for one HTTP request can find without being handed the request: its id
 * (on every log line, see `logging.ts`) and whatever a module attaches to it (the audit state,
 * `src/audit/audit-context.ts`). One AsyncLocalStorage for everything, entered once per request by
 * {@link RequestLogger}.
 */
export interface RequestScope {
  readonly requestId: string;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();

/** The id of the request the current async execution belongs to, if any. */
export const currentRequestId = (): string | undefined => requestScope.getStore()?.requestId;
