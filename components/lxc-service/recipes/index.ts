import type { Service } from "../../../config";
import type { AdminAccount, Recipe } from "../types";
import { sourceRecipe } from "./install-methods";
import { immich, n8n, nextcloud, uptimeKuma, vaultwarden } from "./compose-apps";
import { jellyfin, qbittorrent, servarr, syncthing } from "./native-apps";

/** What an app recipe may know besides its service. */
export interface RecipeContext {
  /** The LAN in CIDR form: the proxies an app may trust. */
  readonly lanCidr: string;
  /** Set for apps whose catalog entry says `firstBoot: claimed`. */
  readonly admin?: AdminAccount;
}

export type AppRecipe = (service: Service, context: RecipeContext) => Recipe;

/** The admin a claimed app's recipe creates; LxcService generates it for every `firstBoot: claimed` service. */
function requireAdmin(service: Service, context: RecipeContext): AdminAccount {
  if (!context.admin) throw new Error(`${service.configPath}: the ${service.app} recipe creates its admin at converge and needs a generated password (firstBoot: claimed)`);
  return context.admin;
}

/** The install recipe of every catalog app with role "app", by catalog app name. */
export const appRecipes: Readonly<Record<string, AppRecipe>> = {
  immich: (s) => immich(s),
  nextcloud: (s, c) => nextcloud(s, c.lanCidr, requireAdmin(s, c)),
  n8n: (s) => n8n(s),
  vaultwarden: (s, c) => vaultwarden(s, requireAdmin(s, c)),
  "uptime-kuma": (s) => uptimeKuma(s),
  jellyfin: (s) => jellyfin(s),
  syncthing: (s) => syncthing(s),
  qbittorrent: (s, c) => qbittorrent(s, requireAdmin(s, c)),
  sonarr: (s) => servarr(s),
  radarr: (s) => servarr(s),
  prowlarr: (s) => servarr(s),
};

/**
 * The recipe of a service's app: the install it describes (compose file, packages, script or helper
 * script), else its catalog recipe; undefined for infrastructure, whose components bring their own.
 */
export function appRecipe(service: Service, context: RecipeContext): Recipe | undefined {
  if (service.install.source) return sourceRecipe(service, service.install.source);
  return appRecipes[service.app]?.(service, context);
}
