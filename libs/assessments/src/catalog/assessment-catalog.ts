import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@vetting/core';
import { assessmentNotFound } from '../domain/assessments.errors';
import { assessmentSummary, loadCatalog } from './catalog';
import { Assessment, AssessmentItem, Track } from './catalog.schema';

/** The assessment catalog, loaded from config/ and validated once at boot. */
@Injectable()
export class AssessmentCatalog implements OnModuleInit {
  assessments = new Map<string, Assessment>();
  tracks = new Map<string, Track>();
  constructor(private readonly config: AppConfig) {}
  onModuleInit(): void {
    const c = loadCatalog(this.config.env.ASSESSMENT_CATALOG_DIR);
    this.assessments = c.assessments;
    this.tracks = c.tracks;
  }
  get(slug: string): Assessment {
    const a = this.assessments.get(slug);
    if (!a) throw assessmentNotFound(slug);
    return a;
  }
  item(a: Assessment, id: string): AssessmentItem | undefined {
    return a.pool.find((i) => i.id === id);
  }
  tracksUsing(slug: string): Track[] {
    return [...this.tracks.values()].filter((t) => t.assessments.includes(slug));
  }

  /** The catalog; `tracks` with their effective status (TrackStates.all) when given. */
  list(tracks: Track[] = [...this.tracks.values()]) {
    return {
      assessments: [...this.assessments.values()].map(assessmentSummary),
      tracks: tracks.map((t) => ({
        slug: t.slug,
        title: t.title,
        categorySlug: t.categorySlug,
        assessments: t.assessments,
        validityWindow: t.validityWindow,
        status: t.status,
      })),
    };
  }
}
