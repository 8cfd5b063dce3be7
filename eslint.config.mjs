import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'data/**', '.tmp/**', '**/node_modules/**', 'packages/widget/custom-elements.json', 'bench/results.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['packages/widget/src/**/*.ts'],
    ...lit.configs['flat/recommended'],
  },
  {
    files: ['packages/widget/src/**/*.ts'],
    ...wc.configs['flat/recommended'],
  },
  {
    // The widget knows the wire contract by its types only: a value import would bring zod (and the
    // server's validation) into the bundle that every municipal page loads.
    files: ['packages/widget/src/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@digitale-balie/contract', allowTypeImports: true, message: 'Import the contract with `import type`: no zod in the widget bundle.' },
            { name: 'zod', message: 'The widget validates nothing with zod; the server parses with the contract.' },
          ],
          patterns: [{ group: ['**/server/**', '@digitale-balie/server', '@digitale-balie/server/*'], message: 'No server code in the widget.' }],
        },
      ],
    },
  },
);
