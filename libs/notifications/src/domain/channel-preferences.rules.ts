/**
 * Which channels a notification goes to. The inbox always keeps it; push, webhook and email follow the
 * user's preferences (no preferences row: every channel on, nothing muted). A muted type goes to the
 * inbox only.
 */
export interface ChannelPreferences {
  push: boolean;
  email: boolean;
  webhook: boolean;
  mutedTypes: readonly string[];
}

export const isMuted = (prefs: Pick<ChannelPreferences, 'mutedTypes'> | null | undefined, type: string): boolean =>
  prefs?.mutedTypes.includes(type) ?? false;

/**
 * Whether a new notification is pushed (`notification:new`).
 * SQL twin: the `push` column of `NotificationsRepository.insertMany` (data/notifications.repository.ts),
 * `coalesce(p.push and not (p.muted_types @> jsonb_build_array(type)), true)`, decides this for a whole
 * batch in the insert. test/medium/notifications-muted-types.medium.spec.ts runs that SQL over a table of
 * cases and compares it with this function.
 */
export const wantsPush = (prefs: ChannelPreferences | null | undefined, type: string): boolean =>
  prefs ? prefs.push && !isMuted(prefs, type) : true;

/** The channels the worker routes a stored notification to (beside the inbox and push). */
export function routedChannels(
  prefs: ChannelPreferences | null | undefined,
  type: string,
): { webhook: boolean; email: boolean } {
  const muted = isMuted(prefs, type);
  return { webhook: !muted && (prefs?.webhook ?? true), email: !muted && (prefs?.email ?? true) };
}

/** A webhook's `events` filter: empty takes every type. */
export const webhookWants = (events: readonly string[], type: string): boolean =>
  events.length === 0 || events.includes(type);
