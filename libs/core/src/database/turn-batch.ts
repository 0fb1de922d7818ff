/**
 * Collects what arrives in one turn of the event loop and hands it over together once the turn is done
 * (`setImmediate`): the requests that arrive together share one statement, each issued after its request arrived.
 * Each flush gets the items added since the previous one, in the order they were added.
 */
export class TurnBatch<T> {
  private items: T[] | null = null;

  constructor(private readonly flush: (items: T[]) => void) {}

  add(item: T): void {
    if (!this.items) {
      const items: T[] = [];
      this.items = items;
      setImmediate(() => {
        this.items = null;
        this.flush(items);
      });
    }
    this.items.push(item);
  }
}
