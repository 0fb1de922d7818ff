import { ChannelPreferences, isMuted, routedChannels, wantsPush, webhookWants } from './channel-preferences.rules';

const prefs = (p: Partial<ChannelPreferences> = {}): ChannelPreferences => ({
  push: true,
  email: true,
  webhook: true,
  mutedTypes: [],
  ...p,
});

describe('channel preferences', () => {
  it('without a preferences row every channel is on', () => {
    expect(wantsPush(null, 'call.booked')).toBe(true);
    expect(routedChannels(undefined, 'call.booked')).toEqual({ webhook: true, email: true });
    expect(isMuted(null, 'call.booked')).toBe(false);
  });

  it('a muted type goes to the inbox only', () => {
    const p = prefs({ mutedTypes: ['call.reminder'] });
    expect(wantsPush(p, 'call.reminder')).toBe(false);
    expect(routedChannels(p, 'call.reminder')).toEqual({ webhook: false, email: false });
    expect(wantsPush(p, 'call.booked')).toBe(true);
    expect(routedChannels(p, 'call.booked')).toEqual({ webhook: true, email: true });
  });

  it('each channel switch turns only its channel off', () => {
    expect(wantsPush(prefs({ push: false }), 'call.booked')).toBe(false);
    expect(routedChannels(prefs({ push: false }), 'call.booked')).toEqual({ webhook: true, email: true });
    expect(routedChannels(prefs({ email: false }), 'call.booked')).toEqual({ webhook: true, email: false });
    expect(routedChannels(prefs({ webhook: false }), 'call.booked')).toEqual({ webhook: false, email: true });
  });

  it('a webhook without events takes every type, otherwise only the listed ones', () => {
    expect(webhookWants([], 'call.booked')).toBe(true);
    expect(webhookWants(['call.booked'], 'call.booked')).toBe(true);
    expect(webhookWants(['call.missed'], 'call.booked')).toBe(false);
  });
});
