import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { checkCommandTemplates, fillTemplate } from '../../../src/core/deploy/command-driver.js'
import { promoted, releasesToPrune } from '../../../src/core/deploy/host-state.js'
import { parseHostAddress } from '../../../src/core/deploy/plan.js'
import { ConfigError } from '../../../src/core/errors.js'
import { remoteCommand, shellQuote, sshArgv } from '../../../src/platform/ssh.js'

const session = { keyFile: '/k/key', knownHostsFile: '/k/known_hosts', folder: '/k' }

describe('ssh argv', () => {
  const argv = sshArgv({ address: 'web-1.example.com', port: 2222, user: 'deploy' }, session, [
    'cat',
    '--',
    '/srv/a b'
  ])

  it('pins host keys, uses only the given key, never prompts and forwards nothing', () => {
    const options = argv.filter((_, i) => argv[i - 1] === '-o')
    expect(options).toEqual(
      expect.arrayContaining([
        'StrictHostKeyChecking=yes',
        'UserKnownHostsFile=/k/known_hosts',
        'GlobalKnownHostsFile=/dev/null',
        'IdentitiesOnly=yes',
        'BatchMode=yes',
        'ForwardAgent=no',
        'ForwardX11=no',
        'ClearAllForwardings=yes'
      ])
    )
    expect(argv.slice(0, 3)).toEqual(['ssh', '-F', '/dev/null'])
    expect(argv).toEqual(expect.arrayContaining(['-i', '/k/key', '-p', '2222', '-l', 'deploy']))
  })

  it('ends options before the host, so a host cannot be read as an option', () => {
    const hostile = sshArgv({ address: '-oProxyCommand=id' }, session, ['true'])
    expect(hostile.slice(-3)).toEqual(['--', '-oProxyCommand=id', "'true'"])
  })

  it('quotes every remote argument so the remote shell sees exactly the argv', () => {
    const nasty = ["it's", '$(id)', '`id`', 'a;b', 'x|y', '${IFS}', '*', '~', '-n', 'line\nbreak', '']
    const command = remoteCommand(['printf', '%s\\n', ...nasty])
    // Run the quoted string through a real POSIX shell, as sshd would.
    const out = execFileSync('sh', ['-c', command]).toString()
    expect(out.split('\n').slice(0, -1)).toEqual([
      "it's",
      '$(id)',
      '`id`',
      'a;b',
      'x|y',
      '${IFS}',
      '*',
      '~',
      '-n',
      'line',
      'break',
      ''
    ])
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`)
  })
})

describe('host names', () => {
  it.each([
    ['web-1', { address: 'web-1' }],
    ['deploy@web-1:2222', { address: 'web-1', port: 2222, user: 'deploy' }],
    ['[::1]:22', { address: '::1', port: 22 }],
    ['10.0.0.5', { address: '10.0.0.5' }]
  ])('%s', (spec, expected) => {
    expect(parseHostAddress(spec)).toEqual(expected)
  })
})

describe('command provider templates', () => {
  it('fills placeholders inside their own argument only', () => {
    const argv = fillTemplate(
      ['kubectl', 'set', 'image', 'deploy/{service}', 'app={image}', '--record={version}'],
      {
        service: 'catalog',
        image: 'reg/catalog@sha256:ab; rm -rf /',
        version: 'b1'
      }
    )
    expect(argv).toEqual([
      'kubectl',
      'set',
      'image',
      'deploy/catalog',
      'app=reg/catalog@sha256:ab; rm -rf /',
      '--record=b1'
    ])
  })

  it('refuses a missing deploy command, unknown commands and unknown placeholders', () => {
    expect(() => checkCommandTemplates(undefined, 'shipline.yml')).toThrow('needs a "deploy" command')
    expect(() => checkCommandTemplates({ deploy: ['x'], rollout: ['y'] }, 'shipline.yml')).toThrow(
      'unknown command "rollout"'
    )
    let error: unknown
    try {
      checkCommandTemplates({ deploy: ['helm', 'upgrade', '{servce}'] }, 'shipline.yml')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).format()).toContain('unknown placeholder {servce} in commands.deploy')
  })
})

describe('release history on a host', () => {
  const change = { digest: 'sha256:x', configHash: 'h', since: '2026-01-01T00:00:00Z', by: 'me' }

  it('puts the replaced version first in the history, and never lists the current one', () => {
    let state = promoted({ previous: [] }, { ...change, version: 'b1' }, 3)
    state = promoted(state, { ...change, version: 'b2' }, 3)
    state = promoted(state, { ...change, version: 'b1' }, 3)
    expect([state.current, state.previous]).toEqual(['b1', ['b2']])
  })

  it('prunes everything but the current release and keep - 1 before it, never the records', () => {
    const state = { current: 'b4', previous: ['b3', 'b2', 'b1'] }
    const existing = ['b1', 'b1.json', 'b2', 'b3', 'b4', 'b4.config.json', 'local-abc']
    expect(releasesToPrune(existing, state, 2)).toEqual(['b1', 'b2', 'local-abc'])
  })
})
