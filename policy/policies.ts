import type { Policies } from "@pulumi/policy";
import { statefulDatasetsBackedUp } from "./backups";
import { containersUnprivileged } from "./containers";
import { dataResourcesRetainedOrProtected } from "./data-retention";
import { containersFirewalled } from "./firewall";
import { hostnamesPublicOrBehindAccess } from "./hostnames";

/** Every rule of the homelab policy pack, all mandatory. */
export const policies: Policies = [containersUnprivileged, statefulDatasetsBackedUp, hostnamesPublicOrBehindAccess, dataResourcesRetainedOrProtected, containersFirewalled];
