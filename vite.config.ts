import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import { nodePolyfills } from 'vite-plugin-node-polyfills';

/**
 * Writes `x.js.br` and `x.js.gz` beside every chunk as it is on disk. The server's static mount
 * (koa-send) serves them to browsers that accept the encoding, so a phone downloads about a third of
 * the bytes; without them every script went out uncompressed.
 */
export function precompressed(): Plugin {
  return {
    name: 'balie-precompressed',
    apply: 'build',
    async writeBundle(options, bundle) {
      const br = promisify(brotliCompress);
      const gz = promisify(gzip);
      // zlib's thread pool compresses the chunks side by side.
      const chunks = Object.values(bundle).filter((file) => file.type === 'chunk');
      await Promise.all(
        chunks.map(async (chunk) => {
          const path = join(options.dir!, chunk.fileName);
          const code = await readFile(path);
          await writeFile(`${path}.gz`, await gz(code, { level: 9 }));
          await writeFile(`${path}.br`, await br(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: code.length } }));
        }),
      );
    },
  };
}

// One ES module (`digitale-balie.js`) that registers the elements; every view is a lazy chunk, so a
// municipal page pays only for the entry until the citizen interacts.
export default defineConfig({
  publicDir: false,
  // simple-peer 9 expects Node's events, buffer, process and stream; only the call chunk uses them. No
  // `util`: readable-stream's browser field maps it to nothing (it only feeds debug logging there), and
  // the shim with its dependencies was 9 KB gzip of the call chunk.
  plugins: [precompressed(), nodePolyfills({ include: ['events', 'buffer', 'process', 'stream'], globals: { Buffer: true, process: true, global: true } })],
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
