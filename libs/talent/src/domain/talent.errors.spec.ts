import { categoryNotEligible, cooldownActive, invitationExists, notInvited, windowNotAhead } from './talent.errors';

describe('talent errors keep their status, code and details', () => {
  it.each([
    ['notInvited', notInvited(), 403, 'NOT_INVITED', undefined],
    ['categoryNotEligible', categoryNotEligible('writing'), 422, 'CATEGORY_NOT_ELIGIBLE', { categorySlug: 'writing' }],
    [
      'cooldownActive',
      cooldownActive(new Date('2026-06-01T10:00:00Z')),
      409,
      'COOLDOWN_ACTIVE',
      { eligibleAt: '2026-06-01T10:00:00.000Z' },
    ],
    ['invitationExists', invitationExists(), 409, 'INVITATION_EXISTS', undefined],
    [
      'windowNotAhead',
      windowNotAhead(),
      400,
      'VALIDATION_FAILED',
      { fields: [{ field: 'closesAt', problems: ['closesAt must be after opensAt and in the future'] }] },
    ],
  ])('%s', (_name, err, status, code, details) => {
    expect(err.toBody()).toEqual({ statusCode: status, code, message: err.message, ...(details ? { details } : {}) });
  });

  it('notInvited takes a more precise message', () => {
    expect(notInvited('This invitation is not yours').message).toBe('This invitation is not yours');
  });
});
