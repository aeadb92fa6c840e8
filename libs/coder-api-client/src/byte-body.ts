/**
 * The part of Node's `Buffer` that the list indexes use, as a structural type over the standard `Uint8Array`.
 * Public declarations name this instead of `Buffer`, so a consumer of the published types (a library
 * importing `@org/fleet-domain`, say) type-checks without `@types/node`; every `Buffer` satisfies it.
 */
export interface ByteBody extends Uint8Array {
  toString(encoding?: 'utf8', start?: number, end?: number): string;
  compare(target: Uint8Array, targetStart?: number, targetEnd?: number, sourceStart?: number, sourceEnd?: number): number;
}
