/**
 * The global admin key's form, whoever makes it (the secret at deploy time,
 * the rotation function afterwards): 48 letters and digits, header-safe,
 * ≈ 285 bits of entropy.
 */
export const ADMIN_KEY_LENGTH = 48;

const ADMIN_KEY = new RegExp(`^[A-Za-z0-9]{${ADMIN_KEY_LENGTH}}$`);

export function isAdminKeyShape(value: string): boolean {
  return ADMIN_KEY.test(value);
}
