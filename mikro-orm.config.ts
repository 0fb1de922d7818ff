import { User } from '@vetting/identity';
import { MIGRATIONS } from './migrations';

/** Every entity of every domain module: both apps and the migration command use this list. */
export const ENTITIES = [User];
export { MIGRATIONS };
