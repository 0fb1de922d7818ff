import { Duration } from 'luxon';
import { z } from 'zod';

const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'kebab-case slug');
const itemId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'item ids are short words');
const isoDuration = z
  .string()
  .refine(
    (v) => Duration.fromISO(v).isValid && Duration.fromISO(v).toMillis() > 0,
    'an ISO-8601 duration such as PT30M',
  );

export const CODE_LANGUAGES = ['javascript', 'python'] as const;
export const COMPETENCIES = [
  'resolve_conflicts',
  'prioritize',
  'communicate_clearly',
  'listen_actively',
  'solve_problems',
] as const;

const option = z.object({ id: itemId, text: z.string().min(1) });

/** Multiple choice: one or more correct options; `weight` counts toward the score. */
export const multipleChoiceItem = z.object({
  type: z.literal('multiple_choice'),
  id: itemId,
  prompt: z.string().min(1),
  options: z.array(option).min(2).max(8),
  correct: z.array(itemId).min(1),
  weight: z.number().positive().default(1),
  section: z.string().optional(),
});

/** An algorithm challenge: stdin → stdout, hidden test cases graded per case with partial credit. */
export const codingItem = z.object({
  type: z.literal('coding'),
  id: itemId,
  title: z.string().min(1),
  statement: z.string().min(1),
  examples: z.array(z.object({ input: z.string(), output: z.string(), explanation: z.string().optional() })).min(1),
  tests: z.array(z.object({ input: z.string(), output: z.string(), weight: z.number().positive().default(1) })).min(3),
  languages: z.array(z.enum(CODE_LANGUAGES)).min(1),
  starterCode: z.record(z.enum(CODE_LANGUAGES), z.string()).optional(),
  timeLimitMs: z.number().int().positive().max(10_000).default(2000),
  weight: z.number().positive().default(1),
});

/** A customer-service scenario: each option scores 0–3 per competency. */
export const scenarioItem = z.object({
  type: z.literal('scenario'),
  id: itemId,
  prompt: z.string().min(1),
  options: z
    .array(
      option.extend({
        scores: z.object(
          Object.fromEntries(COMPETENCIES.map((c) => [c, z.number().int().min(0).max(3)])) as Record<
            (typeof COMPETENCIES)[number],
            z.ZodNumber
          >,
        ),
      }),
    )
    .min(2)
    .max(6),
});

export const item = z.discriminatedUnion('type', [multipleChoiceItem, codingItem, scenarioItem]);

export const assessmentSchema = z
  .object({
    slug,
    title: z.string().min(1),
    description: z.string().min(1),
    /**
     * skill: verifies one skill; cert-part1/cert-part2: the two parts of a certification; scenario: customer service.
     */
    kind: z.enum(['skill', 'cert-part1', 'cert-part2', 'scenario']),
    /** The skill a pass verifies (skill tests), or the language/stack (part 2). */
    skill: z.string().min(1).optional(),
    categorySlug: z.string().min(1),
    /** open: any freelancer; invited: only freelancers invited to a track that uses this test. */
    access: z.enum(['open', 'invited']),
    duration: isoDuration,
    passingScore: z.number().min(0).max(100),
    proctored: z.boolean(),
    /** A proctored test starts only with the candidate's camera on, unless this marks the camera optional. */
    cameraOptional: z.boolean().default(false),
    /** How many items one attempt draws from the pool (random per attempt). */
    draw: z.number().int().positive(),
    retakeCooldown: isoDuration.default('P30D'),
    pool: z.array(item).min(1),
  })
  .superRefine((a, ctx) => {
    if (a.draw > a.pool.length)
      ctx.addIssue({
        code: 'custom',
        path: ['draw'],
        message: `draws ${a.draw} items from a pool of ${a.pool.length}`,
      });
    const ids = new Set<string>();
    a.pool.forEach((it, i) => {
      if (ids.has(it.id))
        ctx.addIssue({ code: 'custom', path: ['pool', i, 'id'], message: `duplicate item id ${it.id}` });
      ids.add(it.id);
      if (it.type === 'multiple_choice') {
        const optionIds = new Set(it.options.map((o) => o.id));
        for (const c of it.correct)
          if (!optionIds.has(c))
            ctx.addIssue({ code: 'custom', path: ['pool', i, 'correct'], message: `unknown option ${c}` });
        if (new Set(it.correct).size !== it.correct.length)
          ctx.addIssue({ code: 'custom', path: ['pool', i, 'correct'], message: 'an option is listed twice' });
      }
    });
    const expected = {
      skill: ['multiple_choice'],
      'cert-part1': ['coding'],
      'cert-part2': ['multiple_choice', 'coding'],
      scenario: ['scenario'],
    }[a.kind];
    a.pool.forEach((it, i) => {
      if (!expected.includes(it.type))
        ctx.addIssue({
          code: 'custom',
          path: ['pool', i, 'type'],
          message: `a ${a.kind} test holds ${expected.join('/')} items`,
        });
    });
    if ((a.kind === 'skill' || a.kind === 'cert-part2') && !a.skill)
      ctx.addIssue({ code: 'custom', path: ['skill'], message: 'names the skill it verifies' });
  });

/** A certification track: every listed test passed within the validity window. */
export const trackSchema = z.object({
  slug,
  title: z.string().min(1),
  categorySlug: z.string().min(1),
  assessments: z.array(slug).min(1),
  /** How far apart the passes of the parts may be. */
  validityWindow: isoDuration.default('P1Y'),
  /** legacy: closed to new awards; awards already made stay valid and visible. */
  status: z.enum(['active', 'legacy']).default('active'),
});

export const catalogFileSchema = z.object({
  assessments: z.array(assessmentSchema).default([]),
  tracks: z.array(trackSchema).default([]),
});

export type Assessment = z.infer<typeof assessmentSchema>;
export type AssessmentItem = z.infer<typeof item>;
export type Track = z.infer<typeof trackSchema>;
export type CatalogFile = z.infer<typeof catalogFileSchema>;
