/** Queues several domains use (each domain registers its own otherwise). */
export const CREDENTIALS_QUEUE = 'credentials';
export const expertVettedJobId = (freelancerId: string, reason: string) => `expert-vetted:${freelancerId}:${reason}`;
