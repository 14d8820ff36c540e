import { shellLiteral } from "../shared/shell";

/**
 * Bash that (re)starts a unit: always enabled, restarted only when the files it reads at start
 * changed since the last run (their hash is kept in `stamp`), so a re-run does not bounce it.
 */
export function restartOnChangeScript(unit: string, inputs: readonly string[], stamp: string): string {
  return `systemctl daemon-reload
systemctl enable ${shellLiteral(unit)}
want="$(cat ${inputs.map(shellLiteral).join(" ")} | sha256sum | cut -d' ' -f1)"
if [ "$(cat ${shellLiteral(stamp)} 2>/dev/null || true)" != "$want" ]; then
  systemctl restart ${shellLiteral(unit)}
  install -d -m 0700 "$(dirname ${shellLiteral(stamp)})"
  (umask 077 && printf '%s\\n' "$want" > ${shellLiteral(stamp)})
else
  systemctl start ${shellLiteral(unit)}
fi`;
}
