// *** WARNING: this file mirrors the output of pulumi-language-nodejs (see README.md). ***
// *** Do not edit by hand unless you're certain you know what you are doing! ***

import * as pulumi from "@pulumi/pulumi";

// The generator writes these getters onto `exports`. Under tsx (esbuild), a module that uses
// import/export syntax gets a fresh `module.exports` object before its body runs, so getters
// put on the original `exports` object would be lost; `module.exports` is the live object in
// both tsc's and esbuild's CommonJS output.
const __config = new pulumi.Config("b2");

/**
 * B2 Application Key (B2_APPLICATION_KEY env)
 */
export declare const applicationKey: string | undefined;
Object.defineProperty(module.exports, "applicationKey", {
    get() {
        return __config.get("applicationKey");
    },
    enumerable: true,
});

/**
 * B2 Application Key ID (B2_APPLICATION_KEY_ID env)
 */
export declare const applicationKeyId: string | undefined;
Object.defineProperty(module.exports, "applicationKeyId", {
    get() {
        return __config.get("applicationKeyId");
    },
    enumerable: true,
});

/**
 * B2 endpoint - the string 'production' or a custom B2 API URL (B2_ENDPOINT env). Defaults to 'production'. You should
 * not need to set this unless you work at Backblaze.
 */
export declare const endpoint: string | undefined;
Object.defineProperty(module.exports, "endpoint", {
    get() {
        return __config.get("endpoint");
    },
    enumerable: true,
});

