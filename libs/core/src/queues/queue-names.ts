/** Queues several domains use (each domain registers its own otherwise). */
export const CREDENTIALS_QUEUE = 'credentials';
export const expertVettedJobId = (freelancerId: string, reason: string) => `expert-vetted:${freelancerId}:${reason}`;
/** Outbox row: queue the Expert-Vetted evaluation (the credentials worker registers its delivery). */
export const EXPERT_VETTED_EFFECT = 'credentials.expert-vetted';
export const expertVettedEffect = (freelancerId: string, reason: string) => ({
  topic: EXPERT_VETTED_EFFECT,
  key: expertVettedJobId(freelancerId, reason),
  payload: { freelancerId },
});
