// ESLint flat config: typescript-eslint's recommended rules, plus the module boundary of DESIGN's
// "Code layout": another lib is used through its index (`@vetting/<lib>`), never a file deep inside.
// Formatting is Prettier's (print width 120); eslint-config-prettier turns off rules that would fight it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const LIBS = ['core', 'identity', 'talent', 'calendar', 'live', 'notifications', 'assessments', 'credentials'];

export default tseslint.config(
  {
    ignores: ['**/dist/**', 'node_modules/**', '.data/**', 'coverage/**', 'apps/web/src/api/schema.d.ts', 'docs/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.node, ...globals.browser, ...globals.jest },
    },
    rules: {
      // The code base types JSON, jobs and driver rows loosely at the edges; `any` is reviewed, not banned.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-require-imports': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@vetting/*/*'],
              message:
                "Use the other lib's public surface: import from '@vetting/<lib>' (its index.ts), never a file inside it.",
            },
            {
              group: LIBS.map((lib) => `**/libs/${lib}/src/**`),
              message: "Use the lib's public surface: import from '@vetting/<lib>', not a path into libs/.",
            },
          ],
        },
      ],
    },
  },
  {
    // Inside a lib, its own files are imported relatively; a relative path into ANOTHER lib is still forbidden.
    files: LIBS.map((lib) => `libs/${lib}/src/**/*.ts`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@vetting/*/*'], message: "Import another lib through '@vetting/<lib>' (its index.ts)." },
            {
              group: LIBS.map((lib) => `../../../${lib}/**`).concat(LIBS.map((lib) => `../../${lib}/**`)),
              message: "Import another lib through '@vetting/<lib>'.",
            },
          ],
        },
      ],
    },
  },
  {
    // DESIGN "Code layout": no source file past 400 lines (tests, migrations and generated files aside),
    // and every SQL statement lives in a `*.repository.ts` of its domain.
    files: ['libs/**/*.ts', 'apps/**/*.ts', 'apps/**/*.tsx', 'scripts/**/*.ts'],
    ignores: ['**/*.spec.ts', 'migrations/**', 'apps/web/src/api/schema.d.ts'],
    rules: {
      'max-lines': ['error', { max: 400 }],
    },
  },
  {
    files: ['libs/**/*.ts', 'apps/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.repository.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: String.raw`TemplateElement[value.raw=/^\s*(select|insert\s+into|update|delete\s+from|with)\s/i]`,
          message: 'SQL belongs in a *.repository.ts of its domain (DESIGN, "Code layout").',
        },
        {
          selector: String.raw`Literal[value=/^\s*(select|insert\s+into|update|delete\s+from|with)\s/i]`,
          message: 'SQL belongs in a *.repository.ts of its domain (DESIGN, "Code layout").',
        },
      ],
    },
  },
);
