import { toYaml } from "../shared/yaml";

/** The blackbox exporter's one module: a plain HTTP GET that must answer 2xx, over IPv4 on the LAN. */
export const PROBE_MODULE = "http_2xx";

export function renderBlackboxConfig(): string {
  const config = {
    modules: {
      [PROBE_MODULE]: {
        prober: "http",
        timeout: "5s",
        http: {
          preferred_ip_protocol: "ip4",
          ip_protocol_fallback: false,
          // Health endpoints answer directly; a redirect usually means a login page, not health.
          follow_redirects: false,
        },
      },
    },
  };
  return `# Rendered by the MonitoringStack component.\n${toYaml(config)}`;
}
