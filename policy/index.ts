import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

// Constructing the pack starts its analyzer server for the Pulumi engine; tests import ./policies instead.
new PolicyPack("homelab", { policies, enforcementLevel: "mandatory" });
