import { shellJoin } from "./shell";

/** A vendor's repository signing key and the full fingerprint it must have. */
export interface SigningKey {
  /** Short name for messages, e.g. `grafana`. */
  readonly name: string;
  readonly url: string;
  /** 40 upper-case hex characters, as `gpg --with-colons` prints them. */
  readonly fingerprint: string;
}

/**
 * Bash that leaves `dest` holding the vendor key only when gpg reads the pinned fingerprint in it. A
 * key already in place is checked again (locally, without a download), so a key fetched before the
 * pin existed, or swapped since, is replaced or refused. With `dearmor`, an armored key is stored as a
 * binary keyring once it has passed. Needs curl and gnupg.
 */
export function fetchSigningKey(key: SigningKey, dest: string, dearmor = false): string {
  const tmp = `${dest}.tmp`;
  const has = (file: string): string => `gpg --show-keys --with-colons ${shellJoin([file])} 2>/dev/null | grep -q '^fpr:::::::::${key.fingerprint}:'`;
  return `install -d -m 0755 ${shellJoin([dest.slice(0, dest.lastIndexOf("/"))])}
if [ ! -s ${shellJoin([dest])} ] || ! ${has(dest)}; then
  curl -fsSL --retry 3 -o ${shellJoin([tmp, key.url])}
  if ! ${has(tmp)}; then
    echo ${shellJoin([`the ${key.name} signing key from ${key.url} does not have the pinned fingerprint ${key.fingerprint}`])} >&2
    rm -f ${shellJoin([tmp])}
    exit 1
  fi
${dearmor ? `  if grep -q 'BEGIN PGP PUBLIC KEY BLOCK' ${shellJoin([tmp])}; then gpg --dearmor < ${shellJoin([tmp])} > ${shellJoin([`${dest}.bin`])} && mv ${shellJoin([`${dest}.bin`, tmp])}; fi\n` : ""}  mv ${shellJoin([tmp, dest])}
fi
`;
}
