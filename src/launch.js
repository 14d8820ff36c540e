"use strict";
// What Pulumi runs (Pulumi.yaml `main`): the compiled program of src/index.ts, current with its sources.
module.exports = require(require("./fresh-build").freshBundle("index"));
