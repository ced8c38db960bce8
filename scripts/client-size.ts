/**
 * Prints the client SDK's size as a browser would download it: bundled and minified with esbuild
 * (the build wrangler already installs), raw and gzipped. Fails above the budget, so a change that
 * pulls zod or another dependency into the SDK is caught here.
 *
 * Usage: npm run client:size
 */
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

/** The SDK must stay under 10 KB minified. */
const BUDGET_BYTES = 10 * 1024;
const ENTRY = "src/client/index.ts";

const result = await build({
  entryPoints: [ENTRY],
  bundle: true,
  minify: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  write: false,
  metafile: true,
});

const code = result.outputFiles[0]?.contents;
if (!code) throw new Error("esbuild produced no output");
const inputs = Object.keys(result.metafile.inputs);
const size = code.byteLength;
const gzip = gzipSync(code).byteLength;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;

console.log(`client SDK (${ENTRY}), bundled from ${inputs.length} files: ${inputs.join(", ")}`);
console.log(`  minified: ${size} bytes (${kb(size)})`);
console.log(`  gzipped:  ${gzip} bytes (${kb(gzip)})`);
console.log(`  budget:   ${BUDGET_BYTES} bytes minified`);
if (size >= BUDGET_BYTES) {
  console.error(`over budget by ${size - BUDGET_BYTES} bytes`);
  process.exitCode = 1;
}
