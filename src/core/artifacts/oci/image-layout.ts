import { createHash, randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { copyFile, link, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { OperationError } from '../../errors.js'
import { canonicalJson, sha256Digest } from '../../canonical-json.js'
import { ANNOTATIONS, type Descriptor, type ImageIndex, MEDIA_TYPES } from './image-model.js'

const DIGEST = /^sha256:([a-f0-9]{64})$/

/**
 * An OCI image layout on disk (`oci-layout`, `index.json`, `blobs/sha256/<hex>`), the folder that
 * skopeo (`oci:dir:tag`), umoci and podman read. Blobs are content-addressed, so writing one that
 * exists is a no-op and two images can share blobs by hard link.
 */
export class ImageLayout {
  constructor(readonly dir: string) {}

  static async create(dir: string): Promise<ImageLayout> {
    await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true })
    await writeFile(join(dir, 'oci-layout'), canonicalJson({ imageLayoutVersion: '1.0.0' }))
    const layout = new ImageLayout(dir)
    if (!(await exists(join(dir, 'index.json')))) await layout.writeIndex({ schemaVersion: 2, manifests: [] })
    return layout
  }

  static async open(dir: string): Promise<ImageLayout> {
    if (!(await exists(join(dir, 'oci-layout'))) || !(await exists(join(dir, 'index.json')))) {
      throw new OperationError(`${dir} is not an OCI image layout (no oci-layout or index.json)`)
    }
    return new ImageLayout(dir)
  }

  blobPath(digest: string): string {
    const match = DIGEST.exec(digest)
    if (!match) throw new OperationError(`unsupported blob digest '${digest}' (only sha256)`)
    return join(this.dir, 'blobs', 'sha256', match[1] ?? '')
  }

  async hasBlob(digest: string): Promise<boolean> {
    return exists(this.blobPath(digest))
  }

  /** Stores bytes as a blob and returns its descriptor. */
  async writeBlob(bytes: Uint8Array, mediaType: string): Promise<Descriptor> {
    const digest = sha256Digest(bytes)
    const path = this.blobPath(digest)
    if (!(await exists(path))) {
      const temporary = `${path}.tmp-${randomUUID()}`
      await writeFile(temporary, bytes)
      await rename(temporary, path)
    }
    return { mediaType, digest, size: bytes.byteLength }
  }

  /** Moves a finished file (already hashed by the caller) into the blob store under its digest. */
  async adoptBlob(file: string, digest: string): Promise<void> {
    const path = this.blobPath(digest)
    if (await exists(path)) await rm(file, { force: true })
    else await rename(file, path)
  }

  /** Shares a blob of another layout: a hard link when possible, else a copy. */
  async importBlob(from: ImageLayout, digest: string): Promise<void> {
    const target = this.blobPath(digest)
    if (await exists(target)) return
    const source = from.blobPath(digest)
    try {
      await link(source, target)
    } catch {
      await copyFile(source, target)
    }
  }

  async readBlob(digest: string): Promise<Buffer> {
    let bytes: Buffer
    try {
      bytes = await readFile(this.blobPath(digest))
    } catch {
      throw new OperationError(`blob ${digest} is missing from the image layout ${this.dir}`)
    }
    if (sha256Digest(bytes) !== digest) {
      throw new OperationError(`blob ${digest} in ${this.dir} does not match its digest; rebuild the image`)
    }
    return bytes
  }

  async readJson<T>(digest: string): Promise<T> {
    return JSON.parse((await this.readBlob(digest)).toString('utf8')) as T
  }

  /** SHA-256 of a blob file as stored (to check a blob before trusting it). */
  async hashBlob(digest: string): Promise<string> {
    const hash = createHash('sha256')
    for await (const chunk of createReadStream(this.blobPath(digest))) hash.update(chunk as Buffer)
    return `sha256:${hash.digest('hex')}`
  }

  async readIndex(): Promise<ImageIndex> {
    return JSON.parse(await readFile(join(this.dir, 'index.json'), 'utf8')) as ImageIndex
  }

  async writeIndex(index: ImageIndex): Promise<void> {
    const temporary = join(this.dir, `index.json.tmp-${randomUUID()}`)
    await writeFile(temporary, canonicalJson({ ...index, mediaType: MEDIA_TYPES.index }))
    await rename(temporary, join(this.dir, 'index.json'))
  }

  /** Points `tag` at a manifest (replacing whatever it named before); entries stay sorted by tag. */
  async tag(manifest: Descriptor, tag: string): Promise<void> {
    const index = await this.readIndex()
    const others = index.manifests.filter((m) => m.annotations?.[ANNOTATIONS.refName] !== tag)
    const entry: Descriptor = {
      mediaType: manifest.mediaType,
      digest: manifest.digest,
      size: manifest.size,
      annotations: { [ANNOTATIONS.refName]: tag }
    }
    const name = (d: Descriptor): string => d.annotations?.[ANNOTATIONS.refName] ?? ''
    const manifests = [...others, entry].sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0))
    await this.writeIndex({ ...index, schemaVersion: 2, manifests })
  }

  /** The manifest descriptor a tag names; without a tag, the only manifest in the layout. */
  async resolve(tag?: string): Promise<Descriptor> {
    const { manifests } = await this.readIndex()
    const found = tag
      ? manifests.find((m) => m.annotations?.[ANNOTATIONS.refName] === tag)
      : manifests.length === 1
        ? manifests[0]
        : undefined
    if (found) return found
    const tags = manifests.map((m) => m.annotations?.[ANNOTATIONS.refName]).filter(Boolean)
    throw new OperationError(
      tag
        ? `image layout ${this.dir} has no image tagged '${tag}' (it has: ${tags.join(', ') || 'none'})`
        : `image layout ${this.dir} holds ${manifests.length} images; name one of: ${tags.join(', ')}`
    )
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}
