import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// One ES module (`digitale-balie.js`) that registers the elements; every view is a lazy chunk, so a
// municipal page pays only for the entry until the citizen interacts.
export default defineConfig({
  publicDir: false,
  build: {
    outDir: 'dist/widget',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    lib: {
      entry: resolve(import.meta.dirname, 'packages/widget/src/index.ts'),
      formats: ['es'],
      fileName: () => 'digitale-balie.js',
    },
    rolldownOptions: {
      output: {
        // Vite 8 library mode only fully minifies with this flag (see ../shared/DESIGN.md).
        minify: true,
        chunkFileNames: 'chunks/[name]-[hash].js',
      },
    },
  },
});
