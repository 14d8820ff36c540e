import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { at, type BadInput } from "./types";

/** Bad inputs of a cluster: each starts from the 3-node example (config/examples/cluster.yaml). */

type Obj = Record<string, unknown>;
/** Turns the single-node example into the 3-node example in place, then applies `change`. */
const cluster = (change: (c: Obj) => void) => (c: Obj): void => {
  const example = (parse(readFileSync(join(__dirname, "..", "..", "config", "examples", "cluster.yaml"), "utf8")) as { config: Obj }).config;
  for (const key of Object.keys(c)) delete c[key];
  Object.assign(c, structuredClone(example));
  change(c);
};
const node = (c: Obj, name: string) => at(c, "homelab:proxmox", "nodes", name);
const service = (c: Obj, name: string) => at(c, "homelab:services", name);

export const cases: BadInput[] = [
  {
    name: "a service placed on a node that is not in the cluster",
    mutate: cluster((c) => void (service(c, "n8n").node = "pve4")),
    path: "homelab:services.n8n.node",
    message: /^unknown node 'pve4' \(nodes: pve, pve2, pve3\)/,
  },
  {
    name: "services placed on a node over its RAM",
    mutate: cluster((c) => {
      for (const s of ["postgres", "prometheus", "grafana", "n8n", "vaultwarden"]) service(c, s).node = "pve2";
      service(c, "postgres").memoryMiB = 10240;
    }),
    path: "homelab:proxmox.nodes.pve2.ramMiB",
    message: /^containers placed on node pve2 \(postgres, cloudflared-3, prometheus, grafana, n8n, vaultwarden\) ask for 14592 MiB but it has 12288 MiB .*over by 2304 MiB/,
  },
  {
    name: "HA for a service whose data is on a node-local tier",
    mutate: cluster((c) => void (service(c, "n8n").ha = true)),
    path: "homelab:services.n8n.ha",
    message: /^HA refused: its data would stay behind on node pve\d: n8n-data is on node-local tier nvme\. Datasets are bind mounts, which storage replication does not copy/,
  },
  {
    name: "HA when the root disks are on LVM-thin, which no other node sees",
    mutate: cluster((c) => void (at(c, "homelab:proxmox").rootStorageType = "lvmthin")),
    path: "homelab:services.syncthing.ha",
    message: /^HA refused: its root disk is on local-zfs, an LVM-thin storage of node pve3 that no other node sees/,
  },
  {
    name: "HA on a single host",
    mutate: (c) => void (service(c, "syncthing").ha = true),
    path: "homelab:services.syncthing.ha",
    message: /^HA refused: HA needs a cluster: list the nodes under homelab:proxmox.nodes/,
  },
  {
    name: "a device passthrough on a node that lacks the device",
    mutate: cluster((c) => void (service(c, "jellyfin").node = "pve2")),
    path: "homelab:services.jellyfin.node",
    message: /^cannot run on node pve2: .*it passes through \/dev\/dri\/renderD128, which node pve2 does not have \(pve lists it under devices\)/,
  },
  {
    name: "a device no node has",
    mutate: cluster((c) => void (node(c, "pve").devices = [])),
    path: "homelab:services.jellyfin",
    message: /^no node can run it \(it shares node-local data with qbittorrent, sonarr, radarr\): pve: it passes through \/dev\/dri\/renderD128, which node pve does not have \(no node lists it under devices\)/,
  },
  {
    name: "a node naming a tier that is not declared",
    mutate: cluster((c) => void (node(c, "pve2").tiers = ["nvme", "ssd"])),
    path: "homelab:proxmox.nodes.pve2.tiers.1",
    message: /^unknown tier 'ssd' \(tiers: nvme, raid, shared, nas\)/,
  },
  {
    name: "the API endpoint's node missing from the nodes",
    mutate: cluster((c) => void (at(c, "homelab:proxmox").nodeName = "pve9")),
    path: "homelab:proxmox.nodeName",
    message: /^'pve9' \(the node the API endpoint is on\) is not one of the nodes \(pve, pve2, pve3\)/,
  },
  {
    name: "an HA rule naming a service the HA manager does not manage",
    mutate: cluster((c) => void (at(c, "homelab:proxmox", "ha", "rules", "syncthing-home").services = ["syncthing", "n8n"])),
    path: "homelab:proxmox.ha.rules.syncthing-home.services.1",
    message: /^n8n is not an HA service: set ha: true on homelab:services.n8n, or leave it out of the rule/,
  },
  {
    name: "an HA rule preferring a node that is not in the cluster",
    mutate: cluster((c) => void (at(c, "homelab:proxmox", "ha", "rules", "syncthing-home").nodes = { pve3: 2, pve7: 1 })),
    path: "homelab:proxmox.ha.rules.syncthing-home.nodes.pve7",
    message: /^unknown node 'pve7' \(nodes: pve, pve2, pve3\)/,
  },
  {
    name: "a resource-affinity rule that says neither together nor apart",
    mutate: cluster((c) => void (at(c, "homelab:proxmox", "ha", "rules").apart = { type: "resource-affinity", services: ["syncthing"] })),
    path: "homelab:proxmox.ha.rules.apart.affinity",
    message: /^a resource-affinity rule says positive \(keep the services on one node\) or negative/,
  },
  {
    name: "a node with no bulk tier for the vzdump of its containers",
    mutate: cluster((c) => void delete at(c, "homelab:storage", "tiers").nas),
    path: "homelab:proxmox.nodes.pve2.tiers",
    message: /^vzdump of the containers on node pve2 needs a bulk tier there \(it has: shared, nvme\)/,
  },
  {
    name: "a further tunnel connector on the same node as another",
    mutate: cluster((c) => {
      service(c, "cloudflared").node = "pve2";
      service(c, "cloudflared-2").node = "pve2";
    }),
    path: "homelab:services.cloudflared-2.node",
    message: /^runs on node pve2 like the connector cloudflared: a node failure would take both; place it on another node/,
  },
  {
    name: "a tunnel connector that is not a cloudflared service",
    mutate: cluster((c) => void (at(c, "homelab:ingress").connectors = ["cloudflared-2", "n8n"])),
    path: "homelab:ingress.connectors.1",
    message: /^n8n runs an app, not cloudflared: give it app: cloudflared/,
  },
  {
    name: "datasets placed on a node over that node's own size of a tier",
    mutate: cluster((c) => {
      node(c, "pve2").capacityGiB = { nvme: 40 };
      service(c, "n8n").node = "pve2";
    }),
    path: "homelab:proxmox.nodes.pve2.capacityGiB.nvme",
    message: /^on node pve2, datasets \(\d+ GiB\) and container root disks \(\d+ GiB\) need \d+ GiB but the nvme tier has 40 GiB/,
  },
  {
    name: "a node sizing a tier it does not have",
    mutate: cluster((c) => void (node(c, "pve2").capacityGiB = { raid: 1000 })),
    path: "homelab:proxmox.nodes.pve2.capacityGiB.raid",
    message: /^sizes tier raid, which is not among this node's tiers \(nvme\)/,
  },
];
