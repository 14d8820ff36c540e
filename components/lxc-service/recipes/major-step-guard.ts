import type { Service } from "../../../config";
import { majorOf } from "../../../config/checks/upgrades";
import { shellJoin } from "../../shared/shell";

/**
 * For an app that upgrades one major at a time, the recipe's stop before it installs: `probe` prints
 * the version that runs now (nothing on a fresh install), and a pin more than one major past it ends
 * the run with the release line to run first, before anything running is touched. The plan refuses the
 * same jump when the stack file says what runs (install.from); this catches it where the stack file
 * does not, like an install made from the catalog's previous pin.
 */
export function majorStepGuard(service: Service, probe: string): string {
  const to = majorOf(service.install.version);
  if (!service.upgrade?.oneMajorAtATime || to === undefined) return "";
  const v = service.install.version.startsWith("v") ? "v" : "";
  const backup = service.upgrade.backupFirst ? `; back up ${service.name}'s data before each step` : "";
  const path = `${service.configPath}.install`;
  return `# ${service.app} upgrades one major at a time: a pin more than one major past what runs now stops here.
running="$(${probe} 2>/dev/null || true)"
from="\${running#v}"
from="\${from%%[.-]*}"
case "$from" in
  '' | *[!0-9]*) ;;
  *)
    if [ $((${to} - from)) -gt 1 ]; then
      echo "${service.name} runs $running, and the pin ${service.install.version} skips a major: ${service.app} upgrades one major at a time. Set ${path}.version to a ${v}$((from + 1)).x release and ${path}.from to $running, run pulumi up, then ${service.install.version}${backup}" >&2
      exit 1
    fi
    ;;
esac
`;
}

/** The image tag that a Compose service's container was made from. */
export const composeRunningTag = (compose: readonly string[], composeService: string): string =>
  `${shellJoin([...compose, "ps", "--all", "--format", "{{.Image}}", composeService])} | sed -n '1s/.*://p'`;

/** The installed version of a Debian package. */
export const debianInstalledVersion = (pkg: string): string => `dpkg-query --showformat='\${Version}' --show ${pkg}`;
