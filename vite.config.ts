import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { nodePolyfills } from 'vite-plugin-node-polyfills';

// One ES module (`digitale-balie.js`) that registers the elements; every view is a lazy chunk, so a
// municipal page pays only for the entry until the citizen interacts.
export default defineConfig({
  publicDir: false,
  // simple-peer 9 expects Node's events, buffer, process and stream; only the call chunk uses them. No
  // `util`: readable-stream's browser field maps it to nothing (it only feeds debug logging there), and
  // the shim with its dependencies was 9 KB gzip of the call chunk.
  plugins: [nodePolyfills({ include: ['events', 'buffer', 'process', 'stream'], globals: { Buffer: true, process: true, global: true } })],
  // simple-peer logs through `debug` (with `ms`), which only speaks when localStorage.debug is set; the
  // widget never sets it, so a silent stand-in keeps about 2 KB gzip out of the call chunk.
  resolve: { alias: { debug: resolve(import.meta.dirname, 'packages/widget/src/call/no-debug.cjs') } },
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
