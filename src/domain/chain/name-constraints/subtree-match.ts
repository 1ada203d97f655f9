import { rdnComparisonKeys } from '../distinguished-name';
import type { GeneralName } from '../general-names';

/**
 * 'permitted': is every name the certificate's name stands for inside the
 * subtree? 'excluded': is any of them inside it? The two differ only for a
 * wildcard dNSName, which stands for more than one name.
 */
export type SubtreeTest = 'permitted' | 'excluded';

/**
 * Whether a name lies within the subtree of a name-constraint base of the
 * same form ([RFC 5280 §4.2.1.10](https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.10)):
 * true, false, or undefined when the name cannot be compared at all (an
 * e-mail address without '@', a URI without a host name). Callers refuse an
 * undecidable name whichever list the subtree is in: fail closed. Bases are
 * assumed supported (subtreeRefusal is undefined); names of another form
 * never match.
 */
export function withinSubtree(name: GeneralName, base: GeneralName, test: SubtreeTest): boolean | undefined {
  if (name.kind === 'directoryName' && base.kind === 'directoryName') return rdnPrefix(base.name, name.name);
  if (name.kind === 'dNSName' && base.kind === 'dNSName') return withinDnsSubtree(name.value, base.value, test);
  if (name.kind === 'rfc822Name' && base.kind === 'rfc822Name') return withinMailSubtree(name.value, base.value);
  if (name.kind === 'uniformResourceIdentifier' && base.kind === 'uniformResourceIdentifier') return withinUriSubtree(name.value, base.value);
  if (name.kind === 'iPAddress' && base.kind === 'iPAddress') return withinAddressRange(name.octets, base.octets);
  return false;
}

/** directoryName: the base's RDNs are the first RDNs of the name, each compared as RFC 5280 §7.1 compares them. */
function rdnPrefix(base: Parameters<typeof rdnComparisonKeys>[0], name: Parameters<typeof rdnComparisonKeys>[0]): boolean {
  const baseKeys = rdnComparisonKeys(base);
  const nameKeys = rdnComparisonKeys(name);
  return baseKeys.length <= nameKeys.length && baseKeys.every((key, index) => key === nameKeys[index]);
}

/**
 * dNSName: "any DNS name that can be constructed by simply adding zero or
 * more labels to the left-hand side of the name satisfies the name
 * constraint"; compared case-insensitively (RFC 5280 §7.2). An empty base is
 * every name; a base with a leading period ('.example.com'), used in
 * practice, holds subdomains only. A wildcard name ('*.example.com') stands
 * for every name one label below its domain: it is permitted when its whole
 * domain is, and excluded as soon as one of those names is (an excluded
 * 'host.example.com' refuses it).
 */
function withinDnsSubtree(value: string, baseValue: string, test: SubtreeTest): boolean | undefined {
  const name = value.toLowerCase();
  const base = baseValue.toLowerCase();
  const wildcard = name.startsWith('*.');
  if (!isDnsName(wildcard ? name.slice(2) : name)) return undefined;
  if (base === '' || underDomain(name, base)) return true;
  if (!wildcard || test === 'permitted' || base.startsWith('.')) return false;
  const domain = name.slice(1);
  return base.endsWith(domain) && !base.slice(0, -domain.length).includes('.');
}

/**
 * rfc822Name (RFC 5280 §4.2.1.10): a base with '@' is one mailbox (local
 * part exact, domain case-insensitive, §7.5); a base starting with '.' is
 * every address in a subdomain of that domain; any other base is every
 * address on exactly that host.
 */
function withinMailSubtree(value: string, base: string): boolean | undefined {
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1) return undefined;
  const [local, host] = [value.slice(0, at), value.slice(at + 1).toLowerCase()];
  if (!isDnsName(host)) return undefined;
  const baseAt = base.lastIndexOf('@');
  if (baseAt >= 0) return local === base.slice(0, baseAt) && host === base.slice(baseAt + 1).toLowerCase();
  return hostOrSubdomain(host, base.toLowerCase());
}

/**
 * uniformResourceIdentifier (RFC 5280 §4.2.1.10): the base is a host, or
 * with a leading '.' a domain whose subdomains are all within it; it is
 * compared with the host part of the URI. A URI without an authority whose
 * host is a domain name (e.g. `urn:`, or an IP literal) "MUST" be rejected:
 * undefined.
 */
function withinUriSubtree(value: string, base: string): boolean | undefined {
  const host = uriHost(value);
  if (host === undefined) return undefined;
  return hostOrSubdomain(host, base.toLowerCase());
}

/** The lowercase host of `scheme://[userinfo@]host[:port]...`, or undefined when there is no domain-name host. */
function uriHost(uri: string): string | undefined {
  const authority = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(uri)?.[1];
  if (authority === undefined) return undefined;
  const hostAndPort = authority.slice(authority.lastIndexOf('@') + 1);
  if (hostAndPort.startsWith('[')) return undefined;
  const host = hostAndPort.replace(/:\d*$/, '').toLowerCase();
  return isDnsName(host) && !/^[0-9.]+$/.test(host) ? host : undefined;
}

/** dNSName bases: without a leading '.', that name and every name below it; with one, only the names below it. */
function underDomain(name: string, base: string): boolean {
  if (base.startsWith('.')) return name.endsWith(base) && name.length > base.length;
  return name === base || name.endsWith(`.${base}`);
}

/** rfc822Name and URI bases: 'host.example' is that host only, '.example' every host below it. */
function hostOrSubdomain(host: string, base: string): boolean {
  return base.startsWith('.') ? host.endsWith(base) && host.length > base.length : host === base;
}

/** A name to compare: non-empty dot-separated labels, no wildcard, no trailing dot; characters beyond LDH are compared as they are. */
function isDnsName(name: string): boolean {
  return name.length > 0 && name.split('.').every((label) => label.length > 0 && !label.includes('*'));
}

/** A constraint's host or domain: letters, digits, '-' and '_' in non-empty labels (RFC 1123 §2.1, with the '_' seen in practice). */
export function isHostName(name: string): boolean {
  return name.length > 0 && name.split('.').every((label) => /^[A-Za-z0-9_-]+$/.test(label));
}

/** iPAddress: same family, and equal under the base's mask (RFC 5280 §4.2.1.10, RFC 4632 CIDR). */
function withinAddressRange(address: Uint8Array, base: Uint8Array): boolean {
  if (address.length * 2 !== base.length) return false;
  const mask = base.subarray(address.length);
  return address.every((octet, i) => (octet & mask[i]) === (base[i] & mask[i]));
}
