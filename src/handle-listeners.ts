// One listener per database handle, for a step that changes rows another part of the app shows
// (an opt-out step anonymising feedback items, or removing a case's flaggers): the step calls
// `emit` inside its transaction, and the listener (the app's service on that handle) only
// schedules its re-render. Without a listener the rows wait for that service's next start.
export interface HandleListeners<T> {
  /** Sets (or, with null, removes) the listener of a database handle. */
  on(handle: object, listener: ((ids: readonly T[]) => void) | null): void;
  /** Tells the handle's listener, if any, about these ids (none: nothing is called). */
  emit(handle: object, ids: readonly T[]): void;
}

export function handleListeners<T>(): HandleListeners<T> {
  const listeners = new WeakMap<object, (ids: readonly T[]) => void>();
  return {
    on(handle, listener) {
      if (listener) listeners.set(handle, listener);
      else listeners.delete(handle);
    },
    emit(handle, ids) {
      if (ids.length) listeners.get(handle)?.(ids);
    },
  };
}
