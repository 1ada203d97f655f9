import type { GeneralSubtree } from '../name-constraints-extension';
import { isHostName } from './subtree-match';

/**
 * Why a name-constraint subtree cannot be evaluated, or undefined when it
 * can ([RFC 5280 §4.2.1.10](https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.10)).
 * Evaluated: directoryName, rfc822Name (mailbox, host or '.domain'),
 * dNSName (a name, '.domain', or empty for every name), uniformResourceIdentifier
 * (a host or '.domain'), iPAddress (address and a CIDR mask). Anything else
 * (otherName, x400Address, ediPartyName, registeredID, a minimum other than
 * 0, a maximum, a wildcard or a mask with holes) would have to be guessed at,
 * and a guess may let a constrained CA issue outside its subtree.
 */
export function subtreeRefusal(subtree: GeneralSubtree): string | undefined {
  if (subtree.minimum !== 0) return `a minimum of ${subtree.minimum} (RFC 5280: MUST be zero)`;
  if (subtree.maximum !== undefined) return 'a maximum (RFC 5280: MUST be absent)';
  const base = subtree.base;
  switch (base.kind) {
    case 'directoryName':
      return undefined;
    case 'dNSName':
      return base.value === '' || isHostName(base.value.startsWith('.') ? base.value.slice(1) : base.value)
        ? undefined
        : `a dNSName '${base.value}' that is not a domain name`;
    case 'rfc822Name':
      return mailBaseRefusal(base.value);
    case 'uniformResourceIdentifier':
      return isHostName(base.value.startsWith('.') ? base.value.slice(1) : base.value)
        ? undefined
        : `a uniformResourceIdentifier '${base.value}' that is not a host or a domain`;
    case 'iPAddress':
      if (base.octets.length !== 8 && base.octets.length !== 32) return `an iPAddress of ${base.octets.length} octets (not an address and a mask)`;
      return isCidrMask(base.octets.subarray(base.octets.length / 2)) ? undefined : 'an iPAddress mask that is not a CIDR prefix';
    default:
      return `a ${base.kind} subtree (that form is not evaluated)`;
  }
}

function mailBaseRefusal(value: string): string | undefined {
  const at = value.lastIndexOf('@');
  const host = at >= 0 ? value.slice(at + 1) : value.startsWith('.') ? value.slice(1) : value;
  if (at === 0 || !isHostName(host)) return `an rfc822Name '${value}' that is not a mailbox, a host or a domain`;
  return undefined;
}

/** Ones, then zeros: an RFC 4632 prefix. */
function isCidrMask(mask: Uint8Array): boolean {
  let zeros = false;
  for (const octet of mask) {
    for (let bit = 7; bit >= 0; bit--) {
      const set = (octet >> bit) & 1;
      if (set && zeros) return false;
      if (!set) zeros = true;
    }
  }
  return true;
}
