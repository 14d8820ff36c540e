import type { IngressSettings } from "../../config/schema/ingress";

/** An Access include rule: one allowed email or email domain. */
export type AccessInclude = { readonly email: { readonly email: string } } | { readonly emailDomain: { readonly domain: string } };

/** Who an Access policy lets in: any one of the configured emails or email domains. */
export function accessIncludes(access: IngressSettings["access"]): AccessInclude[] {
  return [
    ...access.emails.map((email): AccessInclude => ({ email: { email } })),
    ...access.emailDomains.map((domain): AccessInclude => ({ emailDomain: { domain } })),
  ];
}
