import type { Manifest } from "./build";

/** The build's directory: build/ at the repository's top. */
export const BUILD: string;
/** The build's record of what it was made from (src/build.ts writes it last). */
export const MANIFEST: string;
/** A source's fingerprint, by repository path: the build records it, the freshness check compares it. */
export function sourceHash(path: string): string;
/** The manifest's inputs whose file is gone or changed since the build; empty when the build is current. */
export function staleInputs(manifest: Manifest): string[];
/** The path of build/<entry>.js, built afresh first unless the build matches the sources. */
export function freshBundle(entry: string): string;
