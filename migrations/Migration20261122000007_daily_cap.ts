import { Migration } from '@mikro-orm/migrations';

/**
 * The daily cap, enforced by the database like double booking: a trigger keeps, per talent manager and
 * local day (the talent manager's time zone when the call was booked), the number of active calls
 * starting that day, and a check constraint refuses the one over the cap (23514), so two concurrent
 * bookings of different slots on one day cannot both take the last place.
 */
export class Migration20261122000007_daily_cap extends Migration {
  async up(): Promise<void> {
    this.addSql(`alter table "vetting_calls" add column "tm_local_day" date null;`);
    this.addSql(`create table "talent_manager_day_load" (
      "talent_manager_id" uuid not null references "users" ("id") on delete cascade,
      "day" date not null,
      "calls" int not null check ("calls" >= 0),
      "cap" int not null,
      primary key ("talent_manager_id", "day"),
      constraint "talent_manager_day_load_cap" check ("calls" <= "cap")
    );`);
    // Existing calls: their local day, then the load (a day already over its cap keeps its calls).
    this
      .addSql(`update "vetting_calls" c set "tm_local_day" = (c."starts_at" at time zone coalesce(a."time_zone", 'UTC'))::date
      from "vetting_calls" x left join "talent_manager_availability" a on a."talent_manager_id" = x."talent_manager_id"
      where x."id" = c."id";`);
    this.addSql(`insert into "talent_manager_day_load" ("talent_manager_id", "day", "calls", "cap")
      select c."talent_manager_id", c."tm_local_day", count(*), greatest(count(*), coalesce(max(a."daily_cap"), 2147483647))
        from "vetting_calls" c left join "talent_manager_availability" a on a."talent_manager_id" = c."talent_manager_id"
       where c."status" in ('scheduled', 'rescheduled', 'in_progress')
       group by c."talent_manager_id", c."tm_local_day";`);
    this.addSql(`create or replace function "vetting_calls_day_load"() returns trigger language plpgsql as $$
      declare
        was_active boolean := false;
        is_active boolean := false;
        tz text;
        day_cap int;
        new_day date;
      begin
        if TG_OP <> 'INSERT' then
          was_active := OLD.status in ('scheduled', 'rescheduled', 'in_progress') and OLD.tm_local_day is not null;
        end if;
        if TG_OP <> 'DELETE' then
          is_active := NEW.status in ('scheduled', 'rescheduled', 'in_progress');
        end if;
        if TG_OP = 'UPDATE' then
          if was_active and is_active and NEW.starts_at = OLD.starts_at and NEW.talent_manager_id = OLD.talent_manager_id then
            NEW.tm_local_day := OLD.tm_local_day;
            return NEW;
          end if;
          if not was_active and not is_active then
            return NEW;
          end if;
        end if;
        if is_active then
          select a.time_zone, a.daily_cap into tz, day_cap from talent_manager_availability a where a.talent_manager_id = NEW.talent_manager_id;
          new_day := (NEW.starts_at at time zone coalesce(tz, 'UTC'))::date;
        end if;
        if was_active and is_active then
          -- A move takes two days' rows: lock them in one order, so two crossing reschedules cannot deadlock.
          perform 1 from talent_manager_day_load
            where (talent_manager_id, day) in ((OLD.talent_manager_id, OLD.tm_local_day), (NEW.talent_manager_id, new_day))
            order by talent_manager_id, day for update;
        end if;
        if was_active then
          update talent_manager_day_load set calls = greatest(calls - 1, 0)
           where talent_manager_id = OLD.talent_manager_id and day = OLD.tm_local_day;
        end if;
        if TG_OP = 'DELETE' then
          return OLD;
        end if;
        if is_active then
          NEW.tm_local_day := new_day;
          insert into talent_manager_day_load as l (talent_manager_id, day, calls, cap)
          values (NEW.talent_manager_id, new_day, 1, coalesce(day_cap, 2147483647))
          on conflict (talent_manager_id, day) do update set calls = l.calls + 1, cap = excluded.cap;
        end if;
        return NEW;
      end
    $$;`);
    this
      .addSql(`create trigger "vetting_calls_day_load" before insert or update of "status", "starts_at", "talent_manager_id" or delete
      on "vetting_calls" for each row execute function "vetting_calls_day_load"();`);
  }

  async down(): Promise<void> {
    this.addSql(`drop trigger if exists "vetting_calls_day_load" on "vetting_calls";`);
    this.addSql(`drop function if exists "vetting_calls_day_load"();`);
    this.addSql(`drop table if exists "talent_manager_day_load";`);
    this.addSql(`alter table "vetting_calls" drop column if exists "tm_local_day";`);
  }
}
