import { BUSINESS_UNIT_TAG, checkBusinessUnit } from '../../../src/domain/business-unit';
import { DomainError } from '../../../src/errors';

/* docs/contract.md §4.4: the `business_unit_id` tag pins a device to certificates whose subject O has that value. */

function verdict(tags: Record<string, string> | undefined, subjectO: string | undefined): string {
  try {
    checkBusinessUnit({ tags }, { subjectO });
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('checkBusinessUnit', () => {
  it('reads the pin from the business_unit_id tag', () => {
    expect(BUSINESS_UNIT_TAG).toBe('business_unit_id');
  });

  it.each<[string, Record<string, string> | undefined, string | undefined, string]>([
    ['pinned, and the certificate O is that unit', { business_unit_id: 'Stores North' }, 'Stores North', 'accepted'],
    ['pinned, and the certificate O is another unit', { business_unit_id: 'Stores North' }, 'Stores South', 'business_unit_mismatch'],
    ['pinned, and the certificate has no O', { business_unit_id: 'Stores North' }, undefined, 'business_unit_mismatch'],
    ['pinned to the empty string, and the certificate has no O', { business_unit_id: '' }, undefined, 'business_unit_mismatch'],
    ['pinned, and the O differs only in case', { business_unit_id: 'Stores North' }, 'stores north', 'business_unit_mismatch'],
    ['pinned, and the O differs only by a trailing space', { business_unit_id: 'Stores North' }, 'Stores North ', 'business_unit_mismatch'],
    ['not pinned (no tags), any O', undefined, 'Stores South', 'accepted'],
    ['not pinned (no tags), no O', undefined, undefined, 'accepted'],
    ['not pinned (other tags only), any O', { region: 'Stores North', businessUnit: 'Stores North' }, 'Stores South', 'accepted'],
    ['pinned among other tags, O matches', { region: 'north', business_unit_id: 'Stores North' }, 'Stores North', 'accepted'],
  ])('%s', (_case, tags, subjectO, expected) => {
    expect(verdict(tags, subjectO)).toBe(expected);
  });

  it('says which rule refused, without the certificate or the tag values', () => {
    let refusal: unknown;
    try {
      checkBusinessUnit({ tags: { business_unit_id: 'Stores North' } }, { subjectO: 'Stores South' });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({ code: 'business_unit_mismatch', context: {} });
    expect((refusal as DomainError).message).not.toMatch(/Stores/);
  });
});
