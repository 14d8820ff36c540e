import { shellQuote } from "./shell-quote";
import type { ServiceAccount } from "./traefik-unit";

/** Bash that creates the service's system user and group with the model's ids, once. */
export function ensureUserScript(user: ServiceAccount): string {
  const name = shellQuote(user.name);
  return `if ! getent group ${name} >/dev/null; then
  groupadd --system --gid ${shellQuote(user.gid)} ${name}
fi
if ! id -u ${name} >/dev/null 2>&1; then
  useradd --system --uid ${shellQuote(user.uid)} --gid ${shellQuote(user.gid)} --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin ${name}
fi`;
}

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
