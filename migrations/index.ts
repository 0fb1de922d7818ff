import { Migration20261121000001_identity } from './Migration20261121000001_identity';
import { Migration20261121000002_calendar } from './Migration20261121000002_calendar';
import { Migration20261121000003_assessments } from './Migration20261121000003_assessments';

/** Every migration, in order. Listed explicitly so compiled and test runs apply the same set. */
export const MIGRATIONS = [
  { name: 'Migration20261121000001_identity', class: Migration20261121000001_identity },
  { name: 'Migration20261121000002_calendar', class: Migration20261121000002_calendar },
  { name: 'Migration20261121000003_assessments', class: Migration20261121000003_assessments },
];
