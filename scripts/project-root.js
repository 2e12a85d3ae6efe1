// The project's root: the nearest directory at or above this file holding scf-release's package.json.
// The same from the sources (scripts/, client/...) and from the compiled dist/ (`npm run build`), so
// `.tools/`, `.data/` and `examples/` are found in one place either way. Plain CommonJS, no dependencies.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

function findProjectRoot(from) {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'scf-release') return dir;
    if (path.dirname(dir) === dir) throw new Error(`no scf-release package.json at or above ${from}`);
  }
}

module.exports = { projectRoot: findProjectRoot(__dirname) };
