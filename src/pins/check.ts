import type { Pin, Upstream } from "./registry";
import { compareVersions, crossesMajor, globMatches, newestOnLine, withoutEpoch } from "./versions";

/**
 * `npm run pins -- --check`: asks each pin's upstream for its newest stable release and says which
 * pins are behind. The HTTP client is a parameter, so the tests answer from recorded responses.
 *
 * APIs (response shapes as documented there):
 * - GitHub: GET /repos/{owner}/{repo}/releases/latest, the newest non-draft, non-prerelease release
 *   (docs.github.com/rest/reference/repos#get-the-latest-release); `tag_name`.
 * - Docker Hub: GET /v2/namespaces/{namespace}/repositories/{repository}/tags?page_size=100
 *   (docs.docker.com/reference/api/hub/latest/operations/ListRepositoryTags/); `results[].name`, `next`.
 * - PyPI: GET /pypi/{project}/json (warehouse.pypa.io/api-reference/json.html); `info.version` is the latest release.
 * - Debian: GET sources.debian.org/api/src/{package}/ (sources.debian.org/doc/api/);
 *   `versions[].version` with the `suites` each is in.
 */

/** Fetches a URL and returns its parsed JSON body; throws on a network error or a non-2xx status. */
export type FetchJson = (url: string) => Promise<unknown>;

export type CheckStatus = "current" | "behind" | "unchecked" | "error";

export interface CheckResult {
  readonly id: string;
  readonly version: string;
  readonly status: CheckStatus;
  /** The newest upstream release (or, for Debian, the release's version), when known. */
  readonly latest?: string;
  /** Why: what was compared, or the error. */
  readonly detail: string;
}

/** How many pages of Docker Hub tags (100 each) are read before giving up on finding newer ones. */
export const DOCKER_HUB_PAGES = 5;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function field(value: unknown, path: readonly string[], url: string): unknown {
  let at: unknown = value;
  for (const key of path) {
    if (!isRecord(at)) throw new Error(`${url}: no '${path.join(".")}' in the response`);
    at = at[key];
  }
  return at;
}

const stringField = (value: unknown, path: readonly string[], url: string): string => {
  const v = field(value, path, url);
  if (typeof v !== "string" || v === "") throw new Error(`${url}: '${path.join(".")}' is not a string`);
  return v;
};

export const githubLatestUrl = (repo: string): string => `https://api.github.com/repos/${repo}/releases/latest`;
export const dockerHubTagsUrl = (repository: string): string => {
  const [namespace, name] = repository.split("/");
  return `https://hub.docker.com/v2/namespaces/${namespace}/repositories/${name}/tags?page_size=100`;
};
export const pypiUrl = (project: string): string => `https://pypi.org/pypi/${project}/json`;
export const debianSourceUrl = (source: string): string => `https://sources.debian.org/api/src/${source}/`;

async function dockerHubTags(fetchJson: FetchJson, repository: string): Promise<string[]> {
  const names: string[] = [];
  let url: string | undefined = dockerHubTagsUrl(repository);
  for (let page = 0; url && page < DOCKER_HUB_PAGES; page++) {
    const body: unknown = await fetchJson(url);
    const results = field(body, ["results"], url);
    if (!Array.isArray(results)) throw new Error(`${url}: 'results' is not a list`);
    for (const r of results) if (isRecord(r) && typeof r.name === "string") names.push(r.name);
    const next = isRecord(body) ? body.next : undefined;
    url = typeof next === "string" && next !== "" ? next : undefined;
  }
  return names;
}

/** Debian versions of `source` in `suite` (or its -updates), newest first by upstream numbers. */
async function debianVersions(fetchJson: FetchJson, source: string, suite: string): Promise<string[]> {
  const url = debianSourceUrl(source);
  const versions = field(await fetchJson(url), ["versions"], url);
  if (!Array.isArray(versions)) throw new Error(`${url}: 'versions' is not a list`);
  return versions
    .filter((v): v is { version: string; suites: string[] } => isRecord(v) && typeof v.version === "string" && Array.isArray(v.suites))
    .filter((v) => v.suites.some((s) => s === suite || s === `${suite}-updates`))
    .map((v) => v.version)
    .sort((a, b) => (compareVersions(withoutEpoch(b), withoutEpoch(a)) ?? 0));
}

/** The glob a Debian pin must match: a bare major (`17`, in `postgresql-17`) allows any release of it. */
const debianGlob = (version: string): string => (/[*?[]/.test(version) ? version : `${version}.*`);

function compareRelease(pin: Pin, latest: string | undefined, where: string): CheckResult {
  const base = { id: pin.id, version: pin.version };
  if (latest === undefined) return { ...base, status: "error", detail: `${where} lists no release comparable with ${pin.version}` };
  const order = compareVersions(latest, pin.version);
  if (order === undefined) return { ...base, status: "error", latest, detail: `cannot compare ${pin.version} with ${latest}` };
  if (order <= 0) return { ...base, status: "current", latest, detail: `newest on ${where} is ${latest}` };
  const major = crossesMajor(pin.version, latest) ? "; a new major: read its upgrade notes (back up first, one major at a time)" : "";
  return { ...base, status: "behind", latest, detail: `${where} has ${latest}${major}` };
}

async function checkUpstream(pin: Pin, upstream: Upstream, fetchJson: FetchJson): Promise<CheckResult> {
  switch (upstream.kind) {
    case "github-releases": {
      const url = githubLatestUrl(upstream.repo);
      return compareRelease(pin, stringField(await fetchJson(url), ["tag_name"], url), `GitHub ${upstream.repo}`);
    }
    case "docker-hub": {
      const tags = await dockerHubTags(fetchJson, upstream.repository);
      return compareRelease(pin, newestOnLine(pin.version, tags), `Docker Hub ${upstream.repository}`);
    }
    case "pypi": {
      const url = pypiUrl(upstream.project);
      return compareRelease(pin, stringField(await fetchJson(url), ["info", "version"], url), `PyPI ${upstream.project}`);
    }
    case "debian": {
      const versions = await debianVersions(fetchJson, upstream.source, upstream.suite);
      const glob = debianGlob(pin.version);
      const base = { id: pin.id, version: pin.version };
      const newest = versions[0];
      if (newest === undefined) return { ...base, status: "behind", detail: `Debian ${upstream.suite} no longer has ${upstream.source}: the recipe cannot install it` };
      if (!globMatches(glob, newest)) return { ...base, status: "behind", latest: newest, detail: `Debian ${upstream.suite} has ${newest}, outside ${glob}: the recipe's version check fails; move the glob` };
      return { ...base, status: "current", latest: newest, detail: `Debian ${upstream.suite} has ${newest}, inside ${glob}` };
    }
    case "manual":
      return { id: pin.id, version: pin.version, status: "unchecked", detail: `no release API; check ${upstream.where}` };
  }
}

/** Checks every pin, one upstream request at a time (the APIs rate-limit); a failure is that pin's error. */
export async function checkPins(pins: readonly Pin[], fetchJson: FetchJson): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const pin of pins) {
    try {
      results.push(await checkUpstream(pin, pin.upstream, fetchJson));
    } catch (e) {
      results.push({ id: pin.id, version: pin.version, status: "error", detail: e instanceof Error ? e.message : String(e) });
    }
  }
  return results;
}

/** Counts per status, for the summary line; the command fails only when there are errors. */
export function summarize(results: readonly CheckResult[]): Record<CheckStatus, number> {
  const counts: Record<CheckStatus, number> = { current: 0, behind: 0, unchecked: 0, error: 0 };
  for (const r of results) counts[r.status]++;
  return counts;
}

/** The real client: global fetch, a User-Agent (GitHub requires one), GITHUB_TOKEN when set (rate limits). */
export function httpFetchJson(env: NodeJS.ProcessEnv = process.env): FetchJson {
  return async (url) => {
    const headers: Record<string, string> = { "User-Agent": "homelab-pins-check", Accept: "application/json" };
    if (url.startsWith("https://api.github.com/")) {
      headers.Accept = "application/vnd.github+json";
      if (env.GITHUB_TOKEN) headers.Authorization = `Bearer ${env.GITHUB_TOKEN}`;
    }
    let response: Response;
    try {
      response = await fetch(url, { headers, signal: AbortSignal.timeout(30_000) });
    } catch (e) {
      // fetch says only "fetch failed"; the cause (ENOTFOUND, ECONNREFUSED, a timeout) is what helps.
      const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : String(e);
      throw new Error(`${url}: ${cause}`);
    }
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return response.json();
  };
}
