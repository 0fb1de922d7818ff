import { Track } from '../catalog/catalog.schema';
import { effectiveTrackStatus } from './track-states';

const track = (status: Track['status']): Track => ({
  slug: 't',
  title: 'T',
  categorySlug: 'writing',
  assessments: ['a'],
  validityWindow: 'P1Y',
  status,
});

describe('effectiveTrackStatus', () => {
  it('is the catalog default when no admin set a state', () => {
    expect(effectiveTrackStatus(track('active'), null)).toBe('active');
    expect(effectiveTrackStatus(track('legacy'), undefined)).toBe('legacy');
  });

  it('an admin state overrides the catalog both ways (close an active track, reopen a legacy one)', () => {
    expect(effectiveTrackStatus(track('active'), 'legacy')).toBe('legacy');
    expect(effectiveTrackStatus(track('legacy'), 'active')).toBe('active');
    expect(effectiveTrackStatus(track('active'), 'active')).toBe('active');
  });
});
