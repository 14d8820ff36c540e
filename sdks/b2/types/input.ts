// *** WARNING: this file mirrors the output of pulumi-language-nodejs (see README.md). ***
// *** Do not edit by hand unless you're certain you know what you are doing! ***

import * as pulumi from "@pulumi/pulumi";
import * as inputs from "../types/input";

export interface BucketCorsRule {
    /**
     * If present, this is a list of headers that are allowed in a pre-flight OPTIONS's request's Access-Control-Request-Headers header value.
     */
    allowedHeaders?: pulumi.Input<pulumi.Input<string>[] | undefined>;
    /**
     * A list specifying which operations the rule allows.
     */
    allowedOperations: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * A non-empty list specifying which origins the rule covers.
     */
    allowedOrigins: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * A name for humans to recognize the rule in a user interface.
     */
    corsRuleName: pulumi.Input<string>;
    /**
     * If present, this is a list of headers that may be exposed to an application inside the client.
     */
    exposeHeaders?: pulumi.Input<pulumi.Input<string>[] | undefined>;
    /**
     * This specifies the maximum number of seconds that a browser may cache the response to a preflight request.
     */
    maxAgeSeconds: pulumi.Input<number>;
}

export interface BucketDefaultServerSideEncryption {
    /**
     * Server-side encryption algorithm. AES256 is the only one supported.
     */
    algorithm?: pulumi.Input<string | undefined>;
    /**
     * Server-side encryption mode.
     */
    mode?: pulumi.Input<string | undefined>;
}

export interface BucketFileLockConfiguration {
    /**
     * Default retention settings for files uploaded to this bucket
     */
    defaultRetention?: pulumi.Input<inputs.BucketFileLockConfigurationDefaultRetention | undefined>;
    /**
     * If present, the boolean value specifies whether bucket is File Lock-enabled.
     */
    isFileLockEnabled?: pulumi.Input<boolean | undefined>;
}

export interface BucketFileLockConfigurationDefaultRetention {
    /**
     * Default retention mode (compliance|governance|none).
     */
    mode: pulumi.Input<string>;
    /**
     * How long for to make files immutable
     */
    period?: pulumi.Input<inputs.BucketFileLockConfigurationDefaultRetentionPeriod | undefined>;
}

export interface BucketFileLockConfigurationDefaultRetentionPeriod {
    /**
     * Duration
     */
    duration: pulumi.Input<number>;
    /**
     * Unit for duration (days|years)
     */
    unit: pulumi.Input<string>;
}

export interface BucketLifecycleRule {
    /**
     * It says how long to keep file versions that are not the current version.
     */
    daysFromHidingToDeleting?: pulumi.Input<number | undefined>;
    /**
     * It says how long to wait before canceling unfinished large files (uploads that were started but never finished).
     */
    daysFromStartingToCancelingUnfinishedLargeFiles?: pulumi.Input<number | undefined>;
    /**
     * It causes files to be hidden automatically after the given number of days.
     */
    daysFromUploadingToHiding?: pulumi.Input<number | undefined>;
    /**
     * It specifies which files in the bucket it applies to.
     */
    fileNamePrefix: pulumi.Input<string>;
}
