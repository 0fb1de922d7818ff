import { AssessmentItem } from '../catalog/catalog.schema';

export const MAX_CODE_BYTES = 64 * 1024;

/** Problems with an answer's shape for its item (empty when fine). */
export function answerProblems(item: AssessmentItem, answer: unknown): string[] {
  const a = answer as Record<string, unknown> | null;
  if (!a || typeof a !== 'object' || Array.isArray(a)) return ['answer must be an object'];
  switch (item.type) {
    case 'multiple_choice': {
      const ids = a.optionIds;
      if (!Array.isArray(ids) || ids.some((x) => typeof x !== 'string'))
        return ['optionIds must be an array of option ids'];
      const known = new Set(item.options.map((o) => o.id));
      const unknown = ids.filter((x) => !known.has(x as string));
      if (unknown.length) return [`unknown options: ${unknown.join(', ')}`];
      if (new Set(ids).size !== ids.length) return ['an option is chosen twice'];
      return [];
    }
    case 'scenario': {
      if (typeof a.optionId !== 'string' || !item.options.some((o) => o.id === a.optionId))
        return ['optionId must be one of the options'];
      return [];
    }
    case 'coding': {
      const problems: string[] = [];
      if (typeof a.language !== 'string' || !item.languages.includes(a.language as never))
        problems.push(`language must be one of ${item.languages.join(', ')}`);
      if (typeof a.code !== 'string') problems.push('code must be a string');
      else if (Buffer.byteLength(a.code) > MAX_CODE_BYTES)
        problems.push(`code must be at most ${MAX_CODE_BYTES} bytes`);
      return problems;
    }
  }
}
