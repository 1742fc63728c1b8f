import { useEffect, useState } from 'preact/hooks';

export type Listener = () => void;

/**
 * A value that components subscribe to one by one, so an update re-renders only the components that
 * read this value (one node card, the banner) and never the whole page.
 */
export class Observable<T> {
  readonly #listeners = new Set<Listener>();
  #value: T;

  constructor(initial: T) {
    this.#value = initial;
  }

  get(): T {
    return this.#value;
  }

  /** Stores `value` and notifies the subscribers, unless it is the same object or primitive. */
  set(value: T): void {
    if (Object.is(value, this.#value)) {
      return;
    }
    this.#value = value;
    for (const listener of [...this.#listeners]) {
      listener();
    }
  }

  /** Registers `listener` and returns the function that removes it. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }
}

/** Returns the current value of `observable` and re-renders the calling component when it changes. */
export function useObservable<T>(observable: Observable<T>): T {
  const [, setVersion] = useState(0);
  const rendered = observable.get();

  // The effect reads `rendered` only when it subscribes, so `rendered` is not one of its dependencies.
  useEffect(() => {
    // Comparing with the rendered value catches a change between the render and this effect.
    let seen = rendered;
    const rerenderIfChanged = (): void => {
      const current = observable.get();
      if (!Object.is(current, seen)) {
        seen = current;
        setVersion((version) => version + 1);
      }
    };
    const unsubscribe = observable.subscribe(rerenderIfChanged);
    rerenderIfChanged();
    return unsubscribe;
  }, [observable]);

  return rendered;
}

/** Returns the current values of `observables` and re-renders the calling component when any of them changes. */
export function useObservables<T>(observables: readonly Observable<T>[]): T[] {
  const [, setVersion] = useState(0);
  const rendered = observables.map((observable) => observable.get());

  useEffect(() => {
    const rerender = (): void => {
      setVersion((version) => version + 1);
    };
    const unsubscribes = observables.map((observable) => observable.subscribe(rerender));
    // A change between the render and this effect would otherwise go unseen.
    if (observables.some((observable, index) => !Object.is(observable.get(), rendered[index]))) {
      rerender();
    }
    return () => {
      for (const unsubscribe of unsubscribes) {
        unsubscribe();
      }
    };
    // Preact compares the dependency lists item by item, so a node appearing or leaving resubscribes.
  }, observables);

  return rendered;
}
