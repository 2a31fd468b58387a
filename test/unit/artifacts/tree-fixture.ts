import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

/** A temp folder to build small trees in: `write('a/b.txt', 'x')`, `link('l', 'a/b.txt')`. */
export class TreeFixture {
  readonly dir: string

  constructor(prefix = 'shipline-tree-') {
    this.dir = mkdtempSync(path.join(tmpdir(), prefix))
  }

  write(rel: string, content: string | Buffer, mode = 0o644): this {
    const full = path.join(this.dir, rel)
    mkdirSync(path.dirname(full), { recursive: true })
    writeFileSync(full, content)
    chmodSync(full, mode)
    return this
  }

  mkdir(rel: string): this {
    mkdirSync(path.join(this.dir, rel), { recursive: true })
    return this
  }

  link(rel: string, target: string): this {
    const full = path.join(this.dir, rel)
    mkdirSync(path.dirname(full), { recursive: true })
    symlinkSync(target, full)
    return this
  }

  path(rel: string): string {
    return path.join(this.dir, rel)
  }
}
