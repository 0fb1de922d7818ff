import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { Clock, notFound } from '@vetting/core';
import { isEligibleCategory } from '../domain/categories';
import { categoryNotEligible, windowNotAhead } from '../domain/talent.errors';
import { toWindowView } from '../data/talent.entities';
import { TalentRepository } from '../data/talent.repository';

/** Admin-opened windows in which freelancers may apply without an invitation. */
@Injectable()
export class ApplicationWindowsService {
  constructor(
    private readonly repository: TalentRepository,
    private readonly clock: Clock,
  ) {}

  async openWindow(
    adminId: string,
    input: { program: string; categorySlug: string; opensAt?: string; closesAt: string },
  ) {
    if (!isEligibleCategory(input.categorySlug)) throw categoryNotEligible(input.categorySlug);
    const now = this.clock.now();
    const opensAt = input.opensAt ? DateTime.fromISO(input.opensAt) : now;
    const closesAt = DateTime.fromISO(input.closesAt);
    if (closesAt <= opensAt || closesAt <= now) throw windowNotAhead();
    const window = await this.repository.insertWindow({
      program: input.program,
      categorySlug: input.categorySlug,
      opensAt: opensAt.toJSDate(),
      closesAt: closesAt.toJSDate(),
      createdById: adminId,
      createdAt: now.toJSDate(),
    });
    return toWindowView(window);
  }

  async closeWindow(id: string) {
    const window = await this.repository.findWindow(id);
    if (!window) throw notFound('Application window', { id });
    const now = this.clock.now().toJSDate();
    if (window.closesAt > now) window.closesAt = now;
    await this.repository.flush();
    return toWindowView(window);
  }

  async openWindows() {
    const windows = await this.repository.openWindows(this.clock.now().toJSDate());
    return windows.map(toWindowView);
  }
}
