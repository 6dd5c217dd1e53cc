export { createStore } from './create-store.ts';
export type { Store } from './store.ts';
