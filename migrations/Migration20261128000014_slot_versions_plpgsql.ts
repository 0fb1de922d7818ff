import { Migration } from '@mikro-orm/migrations';

const UPSERT = `
      insert into slot_versions as v (category_slug, talent_manager_id, version)
      select slug, tm, 1 from (
        select jsonb_array_elements_text(a.category_slugs) as slug from talent_manager_availability a where a.talent_manager_id = tm
        union
        select jsonb_array_elements_text(coalesce(extra, '[]'::jsonb))
      ) s
      order by slug
      on conflict (category_slug, talent_manager_id) do update set version = v.version + 1;`;

/**
 * `bump_slot_versions` as PL/pgSQL instead of SQL, same statement and behaviour. A SQL-language function called
 * from a trigger is parsed, analysed and planned again on every call; PL/pgSQL prepares its statement once per
 * connection. Measured with perf on bench/booking.ts: parsing and planning the SQL body was ~7 % of PostgreSQL's
 * CPU per booking (every booking bumps its talent manager's version).
 */
export class Migration20261128000014_slot_versions_plpgsql extends Migration {
  async up(): Promise<void> {
    this
      .addSql(`create or replace function "bump_slot_versions"(tm uuid, extra jsonb) returns void language plpgsql as $$
    begin${UPSERT}
    end
    $$;`);
  }

  async down(): Promise<void> {
    this
      .addSql(`create or replace function "bump_slot_versions"(tm uuid, extra jsonb) returns void language sql as $$${UPSERT}
    $$;`);
  }
}
