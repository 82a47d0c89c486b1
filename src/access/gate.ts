import type { Warehouse } from '../warehouse/port.js';
import type { Access } from './scope.js';

/** STUB (being implemented): hands out the raw warehouse. The interface is final. */
export class AccessGate {
  constructor(private readonly raw: Warehouse) {}

  /** Runs fn on a read connection where every table shows only `access`'s rows, with personal data masked if required. */
  async read<T>(_access: Access, fn: (wh: Warehouse) => Promise<T>): Promise<T> {
    return fn(this.raw);
  }

  async close(): Promise<void> {}
}
