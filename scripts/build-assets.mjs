// Bundles the playground (static/src) into static/build with esbuild, and lists the
// third-party packages that end up inside the bundle.
//   node scripts/build-assets.mjs            build static/build/ (+ licences of bundled code)
//   node scripts/build-assets.mjs --notices  also rewrite THIRD_PARTY_NOTICES.md
import { build } from "esbuild";
import { readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "static", "build");

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: [
    join(root, "static/src/playground.js"),
    join(root, "static/src/playground.css"),
    // The API reference (/api/docs): Swagger UI served from here, never from a CDN.
    join(root, "static/src/api-docs.js"),
    join(root, "static/src/api-docs.css"),
  ],
  outdir,
  bundle: true,
  minify: true,
  format: "esm",
  target: ["es2022", "chrome100", "firefox100", "safari15"],
  // Licence texts go to one file next to the bundle instead of comments inside it.
  legalComments: "none",
  banner: { js: "/* gradtrace; third-party licences: /static/build/LICENSES.txt */" },
  metafile: true,
  logLevel: "warning",
});

const packages = bundledPackages(result.metafile);
// swagger-ui-dist's bundle carries code of many packages; their licences ship beside it, listed here too.
const swaggerLicences = readFileSync(join(root, "node_modules/swagger-ui-dist/swagger-ui-es-bundle.js.LICENSE.txt"), "utf8");
writeFileSync(
  join(outdir, "LICENSES.txt"),
  `${licenceTexts(packages)}\n${"-".repeat(72)}\n\nPackages inside swagger-ui-dist's bundle:\n\n${swaggerLicences}`,
);
if (process.argv.includes("--notices")) writeFileSync(join(root, "THIRD_PARTY_NOTICES.md"), noticesMarkdown(packages));

for (const [file, info] of Object.entries(result.metafile.outputs)) {
  console.log(`${file.replace(root + "/", "")}  ${(info.bytes / 1024).toFixed(1)} KB`);
}
console.log(`bundled ${packages.length} third-party packages`);

/** Every npm package that contributed code to an output, with its package.json. */
function bundledPackages(metafile) {
  const dirs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) dirs.add(resolve(root, match[1]));
  }
  return [...dirs]
    .map((dir) => ({ dir, meta: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) }))
    .sort((a, b) => a.meta.name.localeCompare(b.meta.name));
}

function licenceFile(dir) {
  const name = readdirSync(dir).find((file) => /^(licen[cs]e|copying)/i.test(file));
  return name ? readFileSync(join(dir, name), "utf8").trim() : null;
}

function licenceTexts(packages) {
  return packages
    .map(({ dir, meta }) => {
      const text = licenceFile(dir) ?? `(no licence file shipped; package.json says ${meta.license})`;
      return `${meta.name}@${meta.version} — ${meta.license}\n\n${text}\n`;
    })
    .join("\n" + "-".repeat(72) + "\n\n");
}

function noticesMarkdown(packages) {
  const rows = packages.map(({ meta }) => {
    const home = meta.homepage ?? (typeof meta.repository === "string" ? meta.repository : meta.repository?.url) ?? "";
    return `| ${meta.name} | ${meta.version} | ${meta.license} | ${home.replace(/^git\+/, "")} |`;
  });
  return [
    "# Third-party notices",
    "",
    "The playground's browser bundle (`static/build/`, built by `make assets` from `package-lock.json`)",
    "contains code from these npm packages. Their full licence texts are written next to the bundle",
    "as `static/build/LICENSES.txt` and served at `/static/build/LICENSES.txt`.",
    "esbuild (MIT) builds the bundle but is not part of it.",
    "",
    "This file is generated: `node scripts/build-assets.mjs --notices`.",
    "",
    "| Package | Version | Licence | Source |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}
