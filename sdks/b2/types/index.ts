// *** WARNING: this file mirrors the output of pulumi-language-nodejs (see README.md). ***
// *** Do not edit by hand unless you're certain you know what you are doing! ***

// Export sub-modules:
import * as input from "./input";
import * as output from "./output";

export {
    input,
    output,
};
