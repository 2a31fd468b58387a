import { describe, expect, it } from '@jest/globals'
import { runCli } from '../../../src/cli/main.js'
import { copyOfExample, editFile, lineOf } from '../../helpers/manifest-fixture.js'

function capture(isTTY = false) {
  let out = ''
  let err = ''
  return {
    io: {
      stdout: { write: (s: string) => ((out += s), true), isTTY },
      stderr: { write: (s: string) => ((err += s), true) },
      env: {} as NodeJS.ProcessEnv,
      cwd: process.cwd()
    },
    out: () => out,
    err: () => err
  }
}

describe('shipline command line', () => {
  it('validate lists services and environments and exits 0', async () => {
    const c = capture()
    const code = await runCli(['validate', `repo=${copyOfExample()}`], c.io)
    expect(code).toBe(0)
    expect(c.out()).toMatch(/^ok shipline\.yml: 3 services, 1 shared folders/)
    expect(c.out()).toContain('local (local) -> staging (ssh) -> production (ssh)')
  })

  it('validate --json prints machine-readable JSON', async () => {
    const c = capture()
    expect(await runCli(['validate', '--repo', copyOfExample(), '--json'], c.io)).toBe(0)
    const parsed = JSON.parse(c.out())
    expect(parsed.services.map((s: { name: string }) => s.name)).toEqual(['catalog', 'orders', 'web'])
    expect(parsed.environments).toEqual(['local', 'staging', 'production'])
  })

  it('a manifest mistake prints file:line:col: message with the fix, and exits 2', async () => {
    const root = copyOfExample()
    editFile(root, 'services/orders/service.yml', (t) => t.replace('depends_on:', 'depend_on:'))
    const c = capture()
    expect(await runCli(['validate', `repo=${root}`], c.io)).toBe(2)
    const line = lineOf(root, 'services/orders/service.yml', /^depend_on/)
    expect(c.err()).toBe(
      `services/orders/service.yml:${line}:1: unknown key "depend_on" (at depend_on)\n  fix: did you mean "depends_on"?\n`
    )
    expect(c.err()).not.toMatch(/at .*\.ts:\d+/)
  })

  it('an unknown parameter is a usage error listing the known ones (exit 2)', async () => {
    const c = capture()
    expect(await runCli(['validate', 'colour=true'], c.io)).toBe(2)
    expect(c.err()).toMatch(
      /unknown parameter "colour" \(did you mean "color"\?\); known parameters: repo, json, color, verbose/
    )
  })

  it('an unknown command is a usage error (exit 2)', async () => {
    const c = capture()
    expect(await runCli(['deploi'], c.io)).toBe(2)
    expect(c.err()).toMatch(/unknown command "deploi"/)
  })

  it('every command answers --help with its parameters', async () => {
    for (const name of ['validate', 'detect', 'build', 'config', 'deploy', 'rollback', 'status']) {
      const c = capture()
      expect(await runCli([name, '--help'], c.io)).toBe(0)
      expect(c.out()).toMatch(new RegExp(`^shipline ${name}`))
      expect(c.out()).toContain('Parameters (write --name value, --name=value or name=value):')
    }
  })

  it('colours output only on a terminal outside CI', async () => {
    const piped = capture(false)
    await runCli(['validate', `repo=${copyOfExample()}`], piped.io)
    expect(piped.out()).not.toContain('\u001b[')
    const tty = capture(true)
    await runCli(['validate', `repo=${copyOfExample()}`], tty.io)
    expect(tty.out()).toContain('\u001b[32mok\u001b[0m')
    const ci = capture(true)
    ci.io.env = { CI: 'true' }
    await runCli(['validate', `repo=${copyOfExample()}`], ci.io)
    expect(ci.out()).not.toContain('\u001b[')
  })
})
