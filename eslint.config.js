// Lint: typescript-eslint's recommended rules plus the layer table of DESIGN.md, enforced as
// import restrictions: each folder under src/ may import only the folders its row names.
import tseslint from 'typescript-eslint';

const layers = {
  lib: [],
  config: ['lib'],
  rules: ['lib'],
  providers: ['config', 'lib'],
  pipeline: ['config', 'rules', 'lib'],
  observability: ['config', 'lib'],
  http1: ['lib'],
  proxy: ['config', 'observability', 'http1', 'lib'],
  services: ['config', 'proxy', 'observability', 'lib'],
  middlewares: ['config', 'rules', 'proxy', 'observability', 'lib'],
  api: ['config', 'lib'],
  server: ['lib', 'config', 'rules', 'providers', 'pipeline', 'observability', 'http1', 'proxy', 'services', 'middlewares', 'api'],
};
const all = Object.keys(layers);

const layerRules = all.map((layer) => {
  const forbidden = all.filter((other) => other !== layer && !layers[layer].includes(other));
  return {
    files: [`src/${layer}/**/*.ts`],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ...forbidden.map((other) => ({
            group: [`../${other}/*`, `../../${other}/*`, `../../../${other}/*`, `../main.ts`, `../../main.ts`],
            message: `DESIGN.md layers: src/${layer} may import only ${layers[layer].join(', ') || 'node built-ins'}.`,
          })),
        ],
      }],
    },
  };
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'bench/results/**', 'web/vendor/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  ...layerRules,
);
