/** Socket.IO rooms of the assessments domain (names are part of the live API). */
export const attemptRoom = (id: string) => `attempt:${id}`;
export const proctorRoom = (id: string) => `proctor:attempt:${id}`;
export const PROCTOR_LOBBY = 'proctor:lobby';
