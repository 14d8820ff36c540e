import { at, type BadInput } from "./types";

/** Bad inputs of named tiers: names, classes, defaults, network shares. */

type Obj = Record<string, unknown>;
const tiers = (c: Obj) => at(c, "homelab:storage", "tiers");
const tier = (c: Obj, name: string) => at(c, "homelab:storage", "tiers", name);
const dataset = (c: Obj, service: string, key: string) => at(c, "homelab:services", service, "datasets", key);
/** A NAS share as a second bulk tier; the stack file marks none of the bulk tiers default. */
const nas = (c: Obj, kind = "nfs"): Obj => (tiers(c).nas = { class: "bulk", kind, path: "/mnt/nas", capacityGiB: 16000, proxmoxStorage: "nas-dir", default: true }) as Obj;

export const cases: BadInput[] = [
  { name: "a service dataset on an unknown tier", mutate: (c) => void (dataset(c, "n8n", "data").tier = "ssd"), path: "homelab:services.n8n.datasets.data.tier", message: /^unknown tier 'ssd' \(tiers: nvme \(fast\), raid \(bulk\)\); name one of them, or a class/ },
  { name: "a shared dataset on an unknown tier", mutate: (c) => void (at(c, "homelab:storage", "datasets", "media").tier = "nas"), path: "homelab:storage.datasets.media.tier", message: /^unknown tier 'nas' \(tiers: nvme \(fast\), raid \(bulk\)\)/ },
  { name: "a dataset's tier that is not a name", mutate: (c) => void (dataset(c, "n8n", "data").tier = "Fast Disk"), path: "homelab:services.n8n.datasets.data.tier", message: /must be a DNS label/ },
  { name: "a tier without a class", mutate: (c) => void delete tier(c, "raid").class, path: "homelab:storage.tiers.raid.class", message: /must be one of 'fast', 'bulk'/ },
  { name: "a tier class that is neither fast nor bulk", mutate: (c) => void (tier(c, "raid").class = "slow"), path: "homelab:storage.tiers.raid.class", message: /fast.*bulk/ },
  { name: "a tier named like a class", mutate: (c) => void (tiers(c).bulk = { ...tier(c, "raid") }), path: "homelab:storage.tiers.bulk", message: /fast and bulk are tier classes, not tier names/ },
  { name: "a tier name that is not a DNS label", mutate: (c) => void (tiers(c).NAS_1 = { ...tier(c, "raid") }), path: "homelab:storage.tiers.NAS_1", message: /tier names must be DNS labels .*got 'NAS_1'/ },
  { name: "no tiers at all", mutate: (c) => void (at(c, "homelab:storage").tiers = {}), path: "homelab:storage.tiers", message: /declare at least one tier/ },
  { name: "a network tier of an unknown kind", mutate: (c) => void (nas(c, "smb")), path: "homelab:storage.tiers.nas.kind", message: /local.*nfs.*cifs/ },
  { name: "two bulk tiers and no default: the catalog's bulk datasets have no tier", mutate: (c) => void delete nas(c).default, path: "homelab:services.immich.datasets.library.tier", message: /^asks for the bulk tier, but raid and nas are all bulk and none is marked default; set default: true on one .*\(tiers: nvme \(fast\), raid \(bulk\), nas \(bulk, nfs\)\)/ },
  { name: "no bulk tier for the catalog's bulk datasets", mutate: (c) => void Object.assign(tier(c, "raid"), { class: "fast", default: true }), path: "homelab:services.immich.datasets.library.tier", message: /^asks for the bulk tier, but no tier under homelab:storage.tiers has class: bulk/ },
  { name: "two default tiers of one class", mutate: (c) => void (tier(c, "raid").default = nas(c).default), path: "homelab:storage.tiers.nas.default", message: /^tiers raid and nas are both marked the default bulk tier; keep default: true on one/ },
  { name: "the shared Postgres on an NFS tier", mutate: (c) => void ((nas(c), dataset(c, "postgres", "data")).tier = "nas"), path: "homelab:services.postgres.datasets.data.tier", message: /^holds a database \(content: database\), but tier nas is a nfs share: databases corrupt there/ },
  { name: "an app's live SQLite files on a CIFS tier", mutate: (c) => void ((nas(c, "cifs"), dataset(c, "jellyfin", "config")).tier = "nas"), path: "homelab:services.jellyfin.datasets.config.tier", message: /^holds live SQLite files \(data\/library\.db, data\/jellyfin\.db\), but tier nas is a cifs share/ },
  { name: "a network tier that opts out of the mount check", mutate: (c) => void (nas(c).mountPoint = false), path: "homelab:storage.tiers.nas.mountPoint", message: /^a nfs tier is a share mounted on the host, so it is always a mount point/ },
];
