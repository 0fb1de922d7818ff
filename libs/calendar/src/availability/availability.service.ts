import { Injectable } from '@nestjs/common';
import { AppConfig, Clock, notFound } from '@vetting/core';
import { User } from '@vetting/identity';
import { ELIGIBLE_CATEGORY_SLUGS } from '@vetting/talent';
import { AvailabilityInput, dailyCapProblem, validateAvailability } from '../domain/availability.rules';
import { invalidFields } from '../domain/calendar.errors';
import { TalentManagerAvailability } from '../data/call.entities';
import { AvailabilityRepository } from '../data/availability.repository';

export type AvailabilityUpdate = AvailabilityInput & { categorySlugs?: string[]; dailyCap?: number };

/** A talent manager's weekly hours, exceptions, categories and daily cap. */
@Injectable()
export class AvailabilityService {
  constructor(
    private readonly availability: AvailabilityRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async setAvailability(tm: User, input: AvailabilityUpdate) {
    const problems = validateAvailability(input);
    const capProblem = dailyCapProblem(input.dailyCap, this.config.policy.maxDailyCap);
    if (capProblem) problems.push(capProblem);
    for (const [i, slug] of (input.categorySlugs ?? []).entries()) {
      if (!ELIGIBLE_CATEGORY_SLUGS.includes(slug)) {
        problems.push({ field: `categorySlugs[${i}]`, problem: `"${slug}" is not an Expert-Vetted category` });
      }
    }
    if (problems.length) throw invalidFields('availability', problems);
    const existing = await this.availability.find(tm.id);
    const zoneChanged = existing !== null && existing.timeZone !== input.timeZone;
    const row = existing ?? this.availability.draft(tm.id, input.timeZone, this.config.policy.dailyCap);
    row.timeZone = input.timeZone;
    row.weekly = input.weekly.map((w) => ({ weekday: w.weekday, start: w.start, end: w.end }));
    row.exceptions = input.exceptions.map((e) => ({ date: e.date, available: false as const }));
    row.categorySlugs = [...new Set(input.categorySlugs ?? ELIGIBLE_CATEGORY_SLUGS)];
    row.dailyCap = input.dailyCap ?? this.config.policy.dailyCap;
    row.updatedAt = this.clock.now().toJSDate();
    await this.availability.save(row);
    if (zoneChanged) await this.availability.recountDays(tm.id, row.timeZone, row.dailyCap);
    return availabilityView(row);
  }

  async getAvailability(tm: User) {
    const row = await this.availability.find(tm.id);
    if (!row) throw notFound('Availability');
    return availabilityView(row);
  }
}

function availabilityView(a: TalentManagerAvailability) {
  return {
    talentManagerId: a.talentManagerId,
    timeZone: a.timeZone,
    weekly: a.weekly,
    exceptions: a.exceptions,
    categorySlugs: a.categorySlugs,
    dailyCap: a.dailyCap,
    updatedAt: a.updatedAt.toISOString(),
  };
}
