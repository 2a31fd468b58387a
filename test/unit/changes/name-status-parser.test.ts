import { describe, expect, test } from '@jest/globals'
import { NameStatusParser } from '../../../src/core/changes/name-status-parser.js'

function parse(chunks: Buffer[]): string[] {
  const seen: string[] = []
  const parser = new NameStatusParser((status, path) => seen.push(`${status} ${path}`))
  chunks.forEach((c) => parser.push(c))
  parser.end()
  return seen
}

describe('name-status parser', () => {
  const output = Buffer.from(
    'M\0a b.txt\0A\0new\nline\0D\0gone\0T\0link\0R100\0old\0new\0C75\0src\0copy\0',
    'utf8'
  )

  test('reads statuses and paths; a rename counts on both sides, a copy as an addition', () => {
    expect(parse([output])).toEqual([
      'M a b.txt',
      'A new\nline',
      'D gone',
      'T link',
      'D old',
      'A new',
      'A copy'
    ])
  })

  test('gives the same answer however the stream is cut, even inside a multi-byte character', () => {
    const text = Buffer.from('M\0ünïcødé/日本.txt\0D\0x\0', 'utf8')
    const whole = parse([text])
    for (let cut = 1; cut < text.length; cut++) {
      expect(parse([text.subarray(0, cut), text.subarray(cut)])).toEqual(whole)
    }
    expect(parse([...text].map((b) => Buffer.from([b])))).toEqual(whole)
  })

  test('an output cut in the middle of a record is an error, not a shorter diff', () => {
    expect(() => parse([Buffer.from('M\0a\0D\0', 'utf8')])).toThrow(/incomplete/)
    expect(() => parse([Buffer.from('M\0a\0D\0partial', 'utf8')])).toThrow(/incomplete/)
  })

  test('statuses a commit-to-commit diff cannot produce are refused', () => {
    expect(() => parse([Buffer.from('U\0conflict\0', 'utf8')])).toThrow(/cannot produce/)
  })
})
