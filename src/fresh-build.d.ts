import type { Manifest } from "./build";

/** The manifest's inputs whose file is gone or changed since the build; empty when the build is current. */
export function staleInputs(manifest: Manifest): string[];
/** The path of build/<entry>.js, built afresh first unless the build matches the sources. */
export function freshBundle(entry: string): string;
