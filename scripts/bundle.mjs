#!/usr/bin/env node
// The second half of `npm run build`: bundles src/cli.ts with rolldown into dist/cli.cjs and a
// few chunks (dist/chunk-*.cjs), which is what the bin runs and what the package ships. tsc has
// already written the module tree (dist/**/*.js, one file per src file), which the bench,
// scripts and tests load module by module; the bundle leaves it alone.
//
// Why: start-up. Every `claude` launch goes through `run`. As ES modules, Node resolves and
// loads ~30 files one by one on that path (and hundreds more with commander and execa for
// the other commands), asynchronously, and an ES import of a built-in such as node:fs builds
// its whole namespace (fs.promises and the stream modules with it). Bundled as CommonJS, each
// command's path is a handful of files read synchronously; every dynamic import() in src (a
// command, recovery, the commander program) becomes a chunk loaded only when that code runs,
// and rolldown keeps a module that is already loaded where it is instead of splitting it out.
// The PTY module stays a package of its own (its native binary comes from a per-platform
// optional dependency) and is loaded with require(), which costs a third of an ES import of
// the same CommonJS package.
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');
const PTY = '@lydell/node-pty';
const PTY_SHIM = '\0pty-by-require';

/** `import('@lydell/node-pty')` in src becomes this module: the package through require(). */
const ptyByRequire = {
  name: 'pty-by-require',
  resolveId: (id) => (id === PTY ? PTY_SHIM : null),
  load: (id) =>
    id === PTY_SHIM
      ? `import { createRequire } from 'node:module';\nconst pty = createRequire(import.meta.url)(${JSON.stringify(PTY)});\nexport default pty;\nexport const spawn = pty.spawn;\n`
      : null,
};

/**
 * `new URL('../../bin/claude-recover.js', import.meta.url)` in src/launcher/find-claude.ts is
 * relative to where tsc puts that module (dist/launcher/). Every bundle file sits directly in
 * dist/, so such a URL is rewritten relative to dist/ (here `../bin/claude-recover.js`).
 */
const relativeUrls = {
  name: 'relative-urls',
  transform(code, id) {
    if (!id.startsWith(src + path.sep) || !id.endsWith('.ts')) return null;
    const emitted = path.join(dist, path.relative(src, path.dirname(id)));
    const out = code.replace(/new URL\((['"])(\.\.?\/[^'"]+)\1, import\.meta\.url\)/g, (_, quote, relative) => {
      const fromDist = path.relative(dist, path.resolve(emitted, relative)).split(path.sep).join('/');
      return `new URL(${quote}${fromDist.startsWith('.') ? fromDist : `./${fromDist}`}${quote}, import.meta.url)`;
    });
    return out === code ? null : { code: out };
  },
};

for (const name of readdirSync(dist)) if (/^(cli|chunk-.*)\.cjs(\.map)?$/.test(name)) rmSync(path.join(dist, name));

const { output } = await build({
  cwd: root,
  input: { cli: path.join(src, 'cli.ts') },
  platform: 'node',
  external: [/^node:/],
  plugins: [ptyByRequire, relativeUrls],
  // relative-urls changes a string inside one line: the source map stays right line by line.
  onLog: (level, log, handler) => (log.code === 'SOURCEMAP_BROKEN' && log.plugin === 'relative-urls' ? undefined : handler(level, log)),
  output: {
    dir: dist,
    format: 'cjs',
    entryFileNames: '[name].cjs',
    chunkFileNames: 'chunk-[hash].cjs',
    minify: true,
    sourcemap: true,
  },
  write: true,
});

// The licences of the packages bundled in, shipped next to the bundle (MIT and ISC ask for it).
const packages = new Map();
for (const chunk of output) {
  if (chunk.type !== 'chunk') continue;
  for (const id of Object.keys(chunk.modules)) {
    const match = /^(.*[\\/]node_modules[\\/])((?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(id);
    if (match) packages.set(match[1] + match[2], match[2].split(path.sep).join('/'));
  }
}
const notices = [...packages]
  .sort(([, a], [, b]) => a.localeCompare(b))
  .map(([dir, name]) => {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
    const text = file ? readFileSync(path.join(dir, file), 'utf8').trim() : `License: ${manifest.license ?? 'not stated'}`;
    return `${name}@${manifest.version}\n\n${text}\n`;
  });
writeFileSync(
  path.join(dist, 'THIRD-PARTY-LICENSES.txt'),
  `Packages bundled into dist/cli.cjs and dist/chunk-*.cjs:\n\n${notices.join(`\n${'-'.repeat(72)}\n\n`)}`,
);
