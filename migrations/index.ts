import { Migration20261121000001_identity } from './Migration20261121000001_identity';
import { Migration20261121000002_calendar } from './Migration20261121000002_calendar';
import { Migration20261121000003_assessments } from './Migration20261121000003_assessments';
import { Migration20261121000004_credentials } from './Migration20261121000004_credentials';
import { Migration20261121000005_notifications } from './Migration20261121000005_notifications';
import { Migration20261122000006_signal_ids } from './Migration20261122000006_signal_ids';
import { Migration20261122000007_daily_cap } from './Migration20261122000007_daily_cap';
import { Migration20261127000010_token_version } from './Migration20261127000010_token_version';
import { Migration20261127000011_outbox } from './Migration20261127000011_outbox';
import { Migration20261127000012_attempt_abandon_track_states } from './Migration20261127000012_attempt_abandon_track_states';
import { Migration20261128000013_slot_versions } from './Migration20261128000013_slot_versions';
import { Migration20261128000014_slot_versions_plpgsql } from './Migration20261128000014_slot_versions_plpgsql';
import { Migration20261128000015_badge_revoked_by } from './Migration20261128000015_badge_revoked_by';

/** Every migration, in order. Listed explicitly so compiled and test runs apply the same set. */
export const MIGRATIONS = [
  { name: 'Migration20261121000001_identity', class: Migration20261121000001_identity },
  { name: 'Migration20261121000002_calendar', class: Migration20261121000002_calendar },
  { name: 'Migration20261121000003_assessments', class: Migration20261121000003_assessments },
  { name: 'Migration20261121000004_credentials', class: Migration20261121000004_credentials },
  { name: 'Migration20261121000005_notifications', class: Migration20261121000005_notifications },
  { name: 'Migration20261122000006_signal_ids', class: Migration20261122000006_signal_ids },
  { name: 'Migration20261122000007_daily_cap', class: Migration20261122000007_daily_cap },
  { name: 'Migration20261127000010_token_version', class: Migration20261127000010_token_version },
  { name: 'Migration20261127000011_outbox', class: Migration20261127000011_outbox },
  {
    name: 'Migration20261127000012_attempt_abandon_track_states',
    class: Migration20261127000012_attempt_abandon_track_states,
  },
  { name: 'Migration20261128000013_slot_versions', class: Migration20261128000013_slot_versions },
  { name: 'Migration20261128000014_slot_versions_plpgsql', class: Migration20261128000014_slot_versions_plpgsql },
  { name: 'Migration20261128000015_badge_revoked_by', class: Migration20261128000015_badge_revoked_by },
];
