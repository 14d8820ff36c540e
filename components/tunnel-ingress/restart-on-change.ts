import { shellQuote } from "./shell-quote";

/**
 * Bash that (re)starts a unit: always enabled, restarted only when the files it reads at start
 * changed since the last run (their hash is kept in `stamp`), so a re-run does not bounce it.
 */
export function restartOnChangeScript(unit: string, inputs: readonly string[], stamp: string): string {
  return `systemctl daemon-reload
systemctl enable ${shellQuote(unit)}
want="$(cat ${inputs.map(shellQuote).join(" ")} | sha256sum | cut -d' ' -f1)"
if [ "$(cat ${shellQuote(stamp)} 2>/dev/null || true)" != "$want" ]; then
  systemctl restart ${shellQuote(unit)}
  install -d -m 0700 "$(dirname ${shellQuote(stamp)})"
  (umask 077 && printf '%s\\n' "$want" > ${shellQuote(stamp)})
else
  systemctl start ${shellQuote(unit)}
fi`;
}
