export {
  ConflictError,
  recordKey,
  writtenVersion,
  type CommitResult,
  type DeploymentRecord,
  type EventInput,
  type NodeRecord,
  type NodeProvisioning,
  type BootIntent,
  type BootTokenRecord,
  type NodeBmc,
  type NodeInventory,
  type NodeLifecycle,
  type Store,
  type StoredEvent,
  type StoreChanges,
  type StoreSnapshot,
  type StoreWrite,
  type Versioned,
} from './store.js';
export { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export { ObservedStore, type EventListener } from './observed-store.js';
export { retryOnConflict } from './retry-on-conflict.js';
