// Lookups keyed by what a file or the command line says. A plain object literal inherits
// Object.prototype, so `RULES['constructor']` is a function, `TABLE['hasOwnProperty']` too, and
// `obj['__proto__'] = x` replaces the prototype instead of adding a key (a layer config with a
// "__proto__" key then lent Dense its `units`). Every such lookup goes through here; tables built
// from names use Maps or null-prototype objects; JSON from files is parsed with a reviver that
// refuses "__proto__" keys.
import { NetLensError } from './ir/types';

const has = Object.prototype.hasOwnProperty;

/** table[key] when `key` is the table's own key (never an inherited Object.prototype member). */
export function lookup<V>(table: Readonly<Record<string, V>>, key: string): V | undefined {
  return has.call(table, key) ? table[key] : undefined;
}

/** Whether `key` is an own key of `table`. */
export function hasOwn(table: object, key: PropertyKey): boolean {
  return has.call(table, key);
}

/** An empty object with no prototype: any string is a safe key, nothing is inherited. */
export function nullObject<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}

/**
 * JSON.parse for text from a file: a "__proto__" key anywhere is refused with one line (JSON.parse
 * itself makes it an own key, but any later `out[k] = v` copy would turn it into a prototype).
 * `what` names the source in the message.
 */
export function parseJsonSafely(text: string, what: string): unknown {
  return JSON.parse(text, function (this: unknown, key: string, value: unknown) {
    if (key === '__proto__') throw new NetLensError(`${what} has a "__proto__" key; refusing an object that would replace a prototype`);
    return value;
  });
}
