import * as pulumi from "@pulumi/pulumi";

/**
 * `fn` of an input: computed at once when the input is a plain value, through `apply` when it is an
 * Output or a promise (keeping its secretness and dependencies). Most of what a component renders is
 * plain strings; wrapping them in Outputs anyway costs the SDK promises and bookkeeping for nothing.
 */
export function mapInput<T, U>(input: pulumi.Input<T>, fn: (value: T) => U): pulumi.Input<U> {
  return isPlain(input) ? fn(input) : pulumi.output(input).apply((value) => fn(value as T));
}

/** Every input as a value when none is an Output or a promise, else `undefined`. */
export function plainValues<T>(inputs: readonly pulumi.Input<T>[]): T[] | undefined {
  return inputs.every(isPlain) ? (inputs as T[]) : undefined;
}

/** `fn` of all the inputs: at once when all are plain values, else through `pulumi.all`. */
export function mapInputs<T, U>(inputs: readonly pulumi.Input<T>[], fn: (values: readonly T[]) => U): pulumi.Input<U> {
  const values = plainValues(inputs);
  return values ? fn(values) : pulumi.all([...inputs]).apply((resolved) => fn(resolved as T[]));
}

const isPlain = <T>(input: pulumi.Input<T>): input is T => !pulumi.Output.isInstance(input) && !(input instanceof Promise);
