/** The platform's categories: shared reference data (talent, calendar, credentials and notifications use it). */
/** Categories eligible for Expert-Vetted (from the seeds). */
export const ELIGIBLE_CATEGORIES = [
  { slug: 'web-mobile-software-dev', name: 'Web, Mobile & Software Development' },
  { slug: 'it-networking', name: 'IT & Networking' },
  { slug: 'data-science-analytics', name: 'Data Science & Analytics' },
  { slug: 'design-creative', name: 'Design & Creative' },
  { slug: 'sales-marketing', name: 'Sales & Marketing' },
  { slug: 'hr', name: 'HR' },
  { slug: 'consulting', name: 'Consulting' },
  { slug: 'writing', name: 'Writing' },
] as const;

export const OTHER_CATEGORIES = [
  { slug: 'customer-service', name: 'Customer Service' },
  { slug: 'admin-support', name: 'Admin Support' },
  { slug: 'translation', name: 'Translation' },
  { slug: 'accounting-consulting', name: 'Accounting & Consulting' },
  { slug: 'legal', name: 'Legal' },
  { slug: 'engineering-architecture', name: 'Engineering & Architecture' },
] as const;

export const ELIGIBLE_CATEGORY_SLUGS: readonly string[] = ELIGIBLE_CATEGORIES.map((c) => c.slug);
export const ALL_CATEGORY_SLUGS: readonly string[] = [
  ...ELIGIBLE_CATEGORY_SLUGS,
  ...OTHER_CATEGORIES.map((c) => c.slug),
];

export const PROGRAMS = ['expert-vetted'] as const;
export type Program = (typeof PROGRAMS)[number];

export const isEligibleCategory = (slug: string) => ELIGIBLE_CATEGORY_SLUGS.includes(slug);
