/**
 * Builds the client SDK for the package's `./client` export: one ESM file bundled with esbuild
 * (dist/client/index.js) and declarations from tsc (dist/types).
 *
 * tsc writes relative imports in declarations as they are in the source, without an extension;
 * TypeScript projects on `moduleResolution: node16/nodenext` refuse those, so `.js` is appended
 * (which resolves to the `.d.ts` next to it). Bundler-resolution projects accept either.
 *
 * Usage: npm run build:client
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const TYPES_DIR = "dist/types";

await build({
  entryPoints: ["src/client/index.ts"],
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  sourcemap: true,
  outfile: "dist/client/index.js",
});

rmSync(TYPES_DIR, { recursive: true, force: true });
execFileSync(join("node_modules", ".bin", "tsc"), ["-p", "tsconfig.client.json"], {
  stdio: "inherit",
});

const RELATIVE_IMPORT = /(from\s+|import\()(["'])(\.{1,2}\/[^"']+?)(?<!\.js)\2/g;
for (const entry of readdirSync(TYPES_DIR, { recursive: true, encoding: "utf8" })) {
  if (!entry.endsWith(".d.ts")) continue;
  const file = join(TYPES_DIR, entry);
  const source = readFileSync(file, "utf8");
  writeFileSync(file, source.replace(RELATIVE_IMPORT, "$1$2$3.js$2"));
}
console.log("built dist/client/index.js and dist/types/client/index.d.ts");
