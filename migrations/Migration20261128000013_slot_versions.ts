import { Migration } from '@mikro-orm/migrations';

/**
 * A version of each category's slot list, for the api processes' in-memory slot cache (GET /api/vetting/slots).
 *
 * One counter per (category, talent manager) in `slot_versions`; a category's version is the sum of its rows.
 * Triggers raise the rows of a talent manager's categories in the transaction of every change that moves their
 * slots: an active call booked, cancelled, moved, ended or reassigned (`vetting_calls`), their availability
 * written or deleted (zone, weekly hours, exceptions, daily cap, categories: both the old and the new ones),
 * their role changed. Each committed change adds at least 1 and rows are never deleted (no foreign key: a
 * deleted talent manager's counters stay), so the sum only grows: a process that reads a larger sum than the
 * one its cached list was computed under computes again, whichever process made the change.
 * One row per talent manager (not per category) so that bookings of different talent managers of a category
 * do not wait for each other; bookings of one talent manager already serialise on their day's load row.
 * Lock order: the trigger on `vetting_calls` is a BEFORE trigger named to fire before `vetting_calls_day_load`
 * (same timing: alphabetical order), so a statement takes a talent manager's version rows before their day's
 * load row, whatever the number of rows it changes; it ignores updates of `tm_local_day` alone, so the zone
 * recount (AvailabilityRepository.recountDays) takes no version lock.
 */
export class Migration20261128000013_slot_versions extends Migration {
  async up(): Promise<void> {
    this.addSql(`create table "slot_versions" (
      "category_slug" varchar(100) not null,
      "talent_manager_id" uuid not null,
      "version" bigint not null default 1,
      primary key ("category_slug", "talent_manager_id")
    );`);
    this.addSql(`create or replace function "bump_slot_versions"(tm uuid, extra jsonb) returns void language sql as $$
      insert into slot_versions as v (category_slug, talent_manager_id, version)
      select slug, tm, 1 from (
        select jsonb_array_elements_text(a.category_slugs) as slug from talent_manager_availability a where a.talent_manager_id = tm
        union
        select jsonb_array_elements_text(coalesce(extra, '[]'::jsonb))
      ) s
      order by slug
      on conflict (category_slug, talent_manager_id) do update set version = v.version + 1;
    $$;`);
    this.addSql(`create or replace function "vetting_calls_slot_version"() returns trigger language plpgsql as $$
      declare
        was_active boolean := false;
        is_active boolean := false;
      begin
        if TG_OP <> 'INSERT' then
          was_active := OLD.status in ('scheduled', 'rescheduled', 'in_progress');
        end if;
        if TG_OP <> 'DELETE' then
          is_active := NEW.status in ('scheduled', 'rescheduled', 'in_progress');
        end if;
        if (was_active or is_active) and not (TG_OP = 'UPDATE' and was_active = is_active
            and NEW.starts_at = OLD.starts_at and NEW.ends_at = OLD.ends_at and NEW.talent_manager_id = OLD.talent_manager_id) then
          if was_active then
            perform bump_slot_versions(OLD.talent_manager_id, null);
          end if;
          if is_active and (not was_active or NEW.talent_manager_id <> OLD.talent_manager_id) then
            perform bump_slot_versions(NEW.talent_manager_id, null);
          end if;
        end if;
        if TG_OP = 'DELETE' then
          return OLD;
        end if;
        return NEW;
      end
    $$;`);
    this.addSql(`create trigger "vetting_calls_bump_slot_version"
      before insert or update of "status", "starts_at", "ends_at", "talent_manager_id" or delete
      on "vetting_calls" for each row execute function "vetting_calls_slot_version"();`);
    this.addSql(`create or replace function "availability_slot_version"() returns trigger language plpgsql as $$
      begin
        if TG_OP = 'DELETE' then
          -- The row is gone: its categories come from OLD.
          perform bump_slot_versions(OLD.talent_manager_id, OLD.category_slugs);
        elsif TG_OP = 'UPDATE' then
          perform bump_slot_versions(NEW.talent_manager_id, OLD.category_slugs);
        else
          perform bump_slot_versions(NEW.talent_manager_id, null);
        end if;
        return null;
      end
    $$;`);
    this.addSql(`create trigger "availability_slot_version" after insert or update or delete
      on "talent_manager_availability" for each row execute function "availability_slot_version"();`);
    this.addSql(`create or replace function "users_slot_version"() returns trigger language plpgsql as $$
      begin
        if NEW.role is distinct from OLD.role then
          perform bump_slot_versions(NEW.id, null);
        end if;
        return null;
      end
    $$;`);
    this.addSql(`create trigger "users_slot_version" after update of "role"
      on "users" for each row execute function "users_slot_version"();`);
  }

  async down(): Promise<void> {
    this.addSql(`drop trigger if exists "users_slot_version" on "users";`);
    this.addSql(`drop trigger if exists "availability_slot_version" on "talent_manager_availability";`);
    this.addSql(`drop trigger if exists "vetting_calls_bump_slot_version" on "vetting_calls";`);
    this.addSql(`drop function if exists "users_slot_version"();`);
    this.addSql(`drop function if exists "availability_slot_version"();`);
    this.addSql(`drop function if exists "vetting_calls_slot_version"();`);
    this.addSql(`drop function if exists "bump_slot_versions"(uuid, jsonb);`);
    this.addSql(`drop table if exists "slot_versions";`);
  }
}
