import { describe, expect, test } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { runCli } from '../../../src/cli/main.js'
import { smallMonorepo } from './monorepo-fixture.js'

function capture() {
  let out = ''
  let err = ''
  return {
    io: {
      stdout: { write: (s: string) => ((out += s), true), isTTY: false },
      stderr: { write: (s: string) => ((err += s), true) },
      env: {} as NodeJS.ProcessEnv,
      cwd: process.cwd()
    },
    out: () => out,
    err: () => err
  }
}

function changedRepo() {
  const repo = smallMonorepo()
  const base = repo.head()
  repo.write('services/catalog/src/index.js', '// changed\n')
  repo.write('services/catalog/new\nline.js', 'x\n')
  const head = repo.commit('catalog')
  return { repo, base, head }
}

describe('shipline detect', () => {
  test('prints the selected services and why, for people', async () => {
    const { repo, base, head } = changedRepo()
    const c = capture()
    expect(await runCli(['detect', '--repo', repo.dir, '--base', base, '--head', head], c.io)).toBe(0)
    expect(c.out()).toContain(`compared ${base.slice(0, 12)}..${head.slice(0, 12)}`)
    expect(c.out()).toMatch(
      /2 selected:\n\s+catalog\s+services\/catalog\n\s+file: 2 changed files under services\/catalog\//
    )
    expect(c.out()).toMatch(/web\s+services\/web\n\s+dependency: depends on catalog/)
    // A newline in a file name is shown escaped, never as a line break.
    expect(c.out()).toContain('"services/catalog/new\\nline.js"')
  })

  test('--json prints the change set and the matrix for machines', async () => {
    const { repo, base, head } = changedRepo()
    const c = capture()
    expect(await runCli(['detect', `repo=${repo.dir}`, `base=${base}`, `head=${head}`, '--json'], c.io)).toBe(
      0
    )
    const result = JSON.parse(c.out()) as Record<string, unknown>
    expect(result).toMatchObject({
      base,
      head,
      baseSource: 'input',
      services: ['catalog', 'web'],
      fallback: false
    })
    expect(result.matrix).toMatchObject({
      include: [{ service: 'catalog', path: 'services/catalog' }, { service: 'web' }]
    })
  })

  test('--explain says why a service was selected, and why another was not', async () => {
    const { repo, base, head } = changedRepo()
    const yes = capture()
    expect(
      await runCli(['detect', '--repo', repo.dir, '--base', base, '--head', head, '--explain', 'web'], yes.io)
    ).toBe(0)
    expect(yes.out()).toMatch(
      /^web is selected:\n\s+- dependency: depends on catalog, which changed \(2 files\): catalog -> web/
    )
    const no = capture()
    expect(
      await runCli(
        ['detect', '--repo', repo.dir, '--base', base, '--head', head, '--explain', 'orders'],
        no.io
      )
    ).toBe(0)
    expect(no.out()).toContain('orders is not selected.')
    expect(no.out()).toContain('none of the 2 changed paths is under services/orders/')
    expect(no.out()).toContain('none of what it depends on changed: common')
  })

  test('--explain with an unknown service is a usage error with a suggestion', async () => {
    const { repo, base } = changedRepo()
    const c = capture()
    expect(await runCli(['detect', '--repo', repo.dir, '--base', base, '--explain', 'ordres'], c.io)).toBe(2)
    expect(c.err()).toMatch(/unknown service "ordres"[\s\S]*did you mean "orders"\?/)
  })

  test('--event replays a payload as the action would', async () => {
    const { repo, base, head } = changedRepo()
    const payload = path.join(mkdtempSync(path.join(tmpdir(), 'shipline-event-')), 'push.json')
    writeFileSync(payload, JSON.stringify({ ref: 'refs/heads/main', before: base, after: head }))
    const c = capture()
    expect(
      await runCli(['detect', '--repo', repo.dir, '--event', payload, '--event-name', 'push', '--json'], c.io)
    ).toBe(0)
    expect(JSON.parse(c.out())).toMatchObject({
      base,
      head,
      baseSource: 'push-before',
      services: ['catalog', 'web']
    })
  })

  test('without anything to compare, or with an unknown base, it says what to give', async () => {
    const { repo } = changedRepo()
    const none = capture()
    expect(await runCli(['detect', '--repo', repo.dir], none.io)).toBe(2)
    expect(none.err()).toMatch(/say what to compare: --base/)
    const unknown = capture()
    expect(await runCli(['detect', '--repo', repo.dir, '--base', 'no-such-ref'], unknown.io)).toBe(2)
    expect(unknown.err()).toMatch(/base "no-such-ref" is not a commit, branch or tag/)
  })
})
