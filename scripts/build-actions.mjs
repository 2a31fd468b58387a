// Bundles every action entry (src/actions/<name>/index.ts) and the CLI (src/cli/index.ts) with
// ncc into dist/<name>/. Actions are discovered by folder, so a new action needs no edit here.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs'
import path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const only = process.argv.slice(2)
const entries = readdirSync(path.join(root, 'src', 'actions'))
  .filter((name) => existsSync(path.join(root, 'src', 'actions', name, 'index.ts')))
  .map((name) => ({ name, entry: path.join('src', 'actions', name, 'index.ts') }))
entries.push({ name: 'cli', entry: path.join('src', 'cli', 'index.ts') })

const ncc = path.join(root, 'node_modules', '.bin', 'ncc')
for (const { name, entry } of entries) {
  if (only.length && !only.includes(name)) continue
  const out = path.join('dist', name)
  rmSync(path.join(root, out), { recursive: true, force: true })
  execFileSync(ncc, ['build', entry, '-o', out, '--source-map', '--license', 'licenses.txt', '--quiet'], {
    cwd: root,
    stdio: 'inherit'
  })
  // ncc exits 0 even when it inlines a missing-module stub; a tiny bundle is the tell.
  const size = statSync(path.join(root, out, 'index.js')).size
  if (size < 20_000) throw new Error(`dist/${name}/index.js is only ${size} bytes: the bundle is broken`)
  process.stdout.write(`dist/${name}/index.js ${(size / 1024).toFixed(0)} KB\n`)
}
