import { shellQuote } from "./shell-quote";

/** The system user a service runs as, with the ids the model gives it. */
export interface ServiceAccount {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

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
