// *** WARNING: this file mirrors the output of pulumi-language-nodejs (see README.md). ***
// *** Do not edit by hand unless you're certain you know what you are doing! ***

import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

// Lazy-loaded members. The generator writes
//     export const Bucket: typeof import("./bucket").Bucket = null as any;
//     utilities.lazyLoad(exports, ["Bucket"], () => require("./bucket"));
// which works once tsc has compiled the package, but this package is run from source through tsx
// (esbuild): there `Bucket` stays null, because esbuild turns every `export` into a fixed getter on
// a fresh `module.exports`. So the value is declared (same public type) and the lazy getter is put
// on `module.exports`, which is the live exports object under both tsc and esbuild. Type-only
// re-exports use `export type` so the package also type-checks under `isolatedModules`.

// Export members:
export type { ApplicationKeyArgs, ApplicationKeyState } from "./applicationKey";
export type ApplicationKey = import("./applicationKey").ApplicationKey;
export declare const ApplicationKey: typeof import("./applicationKey").ApplicationKey;
utilities.lazyLoad(module.exports, ["ApplicationKey"], () => require("./applicationKey"));

export type { BucketArgs, BucketState } from "./bucket";
export type Bucket = import("./bucket").Bucket;
export declare const Bucket: typeof import("./bucket").Bucket;
utilities.lazyLoad(module.exports, ["Bucket"], () => require("./bucket"));

export * from "./provider";
import { Provider } from "./provider";


// Export sub-modules:
import * as config from "./config";
import * as types from "./types";

export {
    config,
    types,
};

const _module = {
    version: utilities.getVersion(),
    construct: (name: string, type: string, urn: string): pulumi.Resource => {
        switch (type) {
            case "b2:index/applicationKey:ApplicationKey":
                return new (module.exports.ApplicationKey as typeof ApplicationKey)(name, <any>undefined, { urn })
            case "b2:index/bucket:Bucket":
                return new (module.exports.Bucket as typeof Bucket)(name, <any>undefined, { urn })
            default:
                throw new Error(`unknown resource type ${type}`);
        }
    },
};
pulumi.runtime.registerResourceModule("b2", "index/applicationKey", _module)
pulumi.runtime.registerResourceModule("b2", "index/bucket", _module)
pulumi.runtime.registerResourcePackage("b2", {
    version: utilities.getVersion(),
    constructProvider: (name: string, type: string, urn: string): pulumi.ProviderResource => {
        if (type !== "pulumi:providers:b2") {
            throw new Error(`unknown provider type ${type}`);
        }
        return new Provider(name, <any>undefined, { urn });
    },
});
