/** Exhaustiveness check for switches over union kinds. */
export function assertNever(value: never): never {
  throw new Error(`fleet-store: unexpected value ${JSON.stringify(value)}`);
}
