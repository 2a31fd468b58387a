/**
 * RPM header structures (rpm `docs/manual/format_v4.md`, `include/rpm/rpmtag.h`): an intro
 * (magic, index count, data size), 16-byte index entries sorted by tag behind the region tag,
 * then the data store. Integers are big-endian and aligned to their size inside the store.
 */

export const RPM_TYPE = {
  INT16: 3,
  INT32: 4,
  STRING: 6,
  BIN: 7,
  STRING_ARRAY: 8,
  I18NSTRING: 9
} as const

export type RpmValue =
  | { type: 'int16'; values: number[] }
  | { type: 'int32'; values: number[] }
  | { type: 'string'; value: string }
  | { type: 'bin'; value: Buffer }
  | { type: 'string_array'; values: string[] }
  | { type: 'i18nstring'; value: string }

/** Region tags: the first index entry of the signature header and of the main header. */
export const HEADER_SIGNATURES = 62
export const HEADER_IMMUTABLE = 63

interface Encoded {
  type: number
  count: number
  align: number
  data: Buffer
}

function encode(value: RpmValue): Encoded {
  const strings = (list: string[]): Buffer => Buffer.concat(list.map((s) => Buffer.from(`${s}\0`, 'utf8')))
  switch (value.type) {
    case 'int16': {
      const data = Buffer.alloc(value.values.length * 2)
      value.values.forEach((v, i) => data.writeUInt16BE(v & 0xffff, i * 2))
      return { type: RPM_TYPE.INT16, count: value.values.length, align: 2, data }
    }
    case 'int32': {
      const data = Buffer.alloc(value.values.length * 4)
      value.values.forEach((v, i) => data.writeUInt32BE(v >>> 0, i * 4))
      return { type: RPM_TYPE.INT32, count: value.values.length, align: 4, data }
    }
    case 'string':
      return { type: RPM_TYPE.STRING, count: 1, align: 1, data: strings([value.value]) }
    case 'i18nstring':
      return { type: RPM_TYPE.I18NSTRING, count: 1, align: 1, data: strings([value.value]) }
    case 'bin':
      return { type: RPM_TYPE.BIN, count: value.value.length, align: 1, data: value.value }
    case 'string_array':
      return {
        type: RPM_TYPE.STRING_ARRAY,
        count: value.values.length,
        align: 1,
        data: strings(value.values)
      }
  }
}

/** Collects tags and serialises them as one header with its region. */
export class RpmHeader {
  private readonly tags = new Map<number, RpmValue>()

  set(tag: number, value: RpmValue): this {
    if (this.tags.has(tag)) throw new Error(`rpm tag ${tag} set twice`)
    const empty =
      (value.type === 'int16' || value.type === 'int32' || value.type === 'string_array') &&
      value.values.length === 0
    if (empty) throw new Error(`rpm tag ${tag} has no values`)
    this.tags.set(tag, value)
    return this
  }

  /** The header bytes; `region` is HEADER_SIGNATURES or HEADER_IMMUTABLE. */
  toBuffer(region: number): Buffer {
    const sorted = [...this.tags.keys()].sort((a, b) => a - b)
    const store: Buffer[] = []
    let storeSize = 0
    const index: Buffer[] = []
    for (const tag of sorted) {
      const encoded = encode(this.tags.get(tag) as RpmValue)
      const pad = (encoded.align - (storeSize % encoded.align)) % encoded.align
      if (pad) {
        store.push(Buffer.alloc(pad))
        storeSize += pad
      }
      index.push(indexEntry(tag, encoded.type, storeSize, encoded.count))
      store.push(encoded.data)
      storeSize += encoded.data.length
    }
    const entryCount = sorted.length + 1
    // The region trailer: an index entry whose offset is minus the size of the whole index.
    const trailer = indexEntry(region, RPM_TYPE.BIN, -16 * entryCount, 16)
    store.push(trailer)
    storeSize += trailer.length
    const intro = Buffer.alloc(16)
    intro.set([0x8e, 0xad, 0xe8, 0x01], 0)
    intro.writeUInt32BE(entryCount, 8)
    intro.writeUInt32BE(storeSize, 12)
    const regionEntry = indexEntry(region, RPM_TYPE.BIN, storeSize - 16, 16)
    return Buffer.concat([intro, regionEntry, ...index, ...store])
  }
}

function indexEntry(tag: number, type: number, offset: number, count: number): Buffer {
  const entry = Buffer.alloc(16)
  entry.writeUInt32BE(tag, 0)
  entry.writeUInt32BE(type, 4)
  entry.writeInt32BE(offset, 8)
  entry.writeUInt32BE(count, 12)
  return entry
}

/** The 96-byte lead: magic, v3.0, binary, name, os 1, signature type 5 (header-style). */
export function rpmLead(nameVersion: string): Buffer {
  const lead = Buffer.alloc(96)
  lead.set([0xed, 0xab, 0xee, 0xdb, 3, 0], 0)
  lead.writeUInt16BE(0, 6)
  lead.writeUInt16BE(1, 8)
  Buffer.from(nameVersion, 'utf8').subarray(0, 65).copy(lead, 10)
  lead.writeUInt16BE(1, 76)
  lead.writeUInt16BE(5, 78)
  return lead
}
