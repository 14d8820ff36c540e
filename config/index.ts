export { catalog, catalogApps } from "./catalog";
export { budgets, type Budgets, type TierBudget } from "./checks/budget";
export { connectionBudget, MIB_PER_CONNECTION, type ConnectionBudget } from "./checks/postgres";
export { majorOf, upgradeWarnings } from "./checks/upgrades";
export { unverifiedDownloadWarnings } from "./checks/downloads";
export { ConfigError, loadHomelab, type LoadInput, type LoadResult } from "./load";
export * from "./model";
export { UNPRIVILEGED_ID_SHIFT } from "./resolve";
export { requiredSecrets, SECRET_KEYS, type SecretKey, type SecretRequirement } from "./secrets";
