// A library-neutral view of Arrow columns: types and chunks from apache-arrow and flechette alike.
//
// apache-arrow (`Data`) and flechette (Arquero's Arrow layer, `Batch`) hold the same Arrow
// buffers under different property names and slicing rules. Everything downstream works on these
// views, so a column fingerprints the same whichever library built it.

/** Arrow type ids (the same numbers in apache-arrow's `Type` enum and flechette's). */
export const TypeId = {
  Null: 1,
  Int: 2,
  Float: 3,
  Binary: 4,
  Utf8: 5,
  Bool: 6,
  Decimal: 7,
  Date: 8,
  Time: 9,
  Timestamp: 10,
  Interval: 11,
  List: 12,
  Struct: 13,
  Union: 14,
  FixedSizeBinary: 15,
  FixedSizeList: 16,
  Map: 17,
  Duration: 18,
  LargeBinary: 19,
  LargeUtf8: 20,
  LargeList: 21,
  Dictionary: -1,
} as const;

/** A field of a schema or of a nested type. */
export interface FieldInfo {
  readonly name: string;
  readonly nullable: boolean;
  readonly type: TypeInfo;
}

/** A normalised Arrow type. `desc` is canonical: equal types, equal strings, in any library. */
export interface TypeInfo {
  readonly typeId: number;
  readonly desc: string;
  /** Bytes per value for fixed-width types; 0 otherwise. */
  readonly byteWidth: number;
  /** Child fields of nested types (List, Struct, Map, FixedSizeList). */
  readonly children: readonly FieldInfo[];
  /** FixedSizeList: values per list. */
  readonly listSize: number;
  /** Dictionary: the value type. */
  readonly dictionary: TypeInfo | undefined;
  /** False when content hashing cannot read this type's buffers in bulk (falls back to values). */
  readonly bulk: boolean;
}

/** One chunk of a column, buffers positioned so that element 0 is this chunk's first row. */
export interface ChunkView {
  readonly type: TypeInfo;
  readonly length: number;
  /** Null count, or -1 when unknown (then counted from the bitmap when needed). */
  readonly nullCount: number;
  /** Validity bitmap (LSB first) and the bit where this chunk starts; empty means all valid. */
  readonly validity: Uint8Array | undefined;
  readonly validityBit: number;
  /** Fixed-width values as bytes from this chunk's first element; for Bool, the bitmap. */
  readonly values: Uint8Array | undefined;
  /** Bool only: the bit where this chunk's values start. */
  readonly valuesBit: number;
  /** Dictionary indices as a typed array from this chunk's first element. */
  readonly indices: ArrayLike<number | bigint> | undefined;
  /** Variable-width types: offsets from this chunk's first element (length + 1 entries). */
  readonly offsets: Int32Array | BigInt64Array | undefined;
  /** Utf8/Binary: the data buffer the offsets point into. */
  readonly data: Uint8Array | undefined;
  /** Child chunks: aligned with this chunk for Struct/FixedSizeList, addressed by offsets for lists. */
  readonly children: readonly ChunkView[];
  /** Dictionary chunks (with an identity used to cache per-entry hashes). */
  readonly dictionary: { readonly key: object; readonly chunks: readonly ChunkView[] } | undefined;
}

type AnyRecord = Record<string, any>;

const typeCache = new WeakMap<object, TypeInfo>();

/** Normalises an apache-arrow `DataType` or a flechette type object. */
export function typeInfo(type: AnyRecord): TypeInfo {
  const cached = typeCache.get(type);
  if (cached) return cached;
  const info = buildTypeInfo(type);
  typeCache.set(type, info);
  return info;
}

/** Normalises a field (apache-arrow `Field` or flechette field object). */
export function fieldInfo(field: AnyRecord): FieldInfo {
  return { name: String(field.name), nullable: field.nullable !== false, type: typeInfo(field.type) };
}

const UNITS_TIME = ["s", "ms", "us", "ns"];

function buildTypeInfo(t: AnyRecord): TypeInfo {
  const typeId = Number(t.typeId);
  const base = { typeId, byteWidth: 0, children: [] as FieldInfo[], listSize: 0, dictionary: undefined, bulk: true };
  const children = (): FieldInfo[] => ((t.children ?? []) as AnyRecord[]).map(fieldInfo);
  const childDesc = (fields: readonly FieldInfo[]): string =>
    fields.map((f) => `${JSON.stringify(f.name)}${f.nullable ? "?" : "!"}:${f.type.desc}`).join(",");
  switch (typeId) {
    case TypeId.Null:
      return { ...base, desc: "null" };
    case TypeId.Int: {
      const signed = t.isSigned ?? t.signed ?? true;
      return { ...base, desc: `${signed ? "int" : "uint"}${t.bitWidth}`, byteWidth: t.bitWidth / 8 };
    }
    case TypeId.Float: {
      const width = [2, 4, 8][t.precision as number] ?? 8;
      return { ...base, desc: `float${width * 8}`, byteWidth: width };
    }
    case TypeId.Bool:
      return { ...base, desc: "bool" };
    case TypeId.Utf8:
      return { ...base, desc: "utf8" };
    case TypeId.LargeUtf8:
      return { ...base, desc: "large_utf8" };
    case TypeId.Binary:
      return { ...base, desc: "binary" };
    case TypeId.LargeBinary:
      return { ...base, desc: "large_binary" };
    case TypeId.Decimal: {
      const bitWidth = (t.bitWidth as number | undefined) ?? 128;
      return { ...base, desc: `decimal${bitWidth}(${t.precision},${t.scale})`, byteWidth: bitWidth / 8 };
    }
    case TypeId.Date:
      return { ...base, desc: t.unit === 0 ? "date32[day]" : "date64[ms]", byteWidth: t.unit === 0 ? 4 : 8 };
    case TypeId.Time: {
      const bitWidth = (t.bitWidth as number | undefined) ?? (t.unit <= 1 ? 32 : 64);
      return { ...base, desc: `time${bitWidth}[${UNITS_TIME[t.unit] ?? t.unit}]`, byteWidth: bitWidth / 8 };
    }
    case TypeId.Timestamp:
      return {
        ...base,
        desc: `timestamp[${UNITS_TIME[t.unit] ?? t.unit}${t.timezone ? `,${t.timezone}` : ""}]`,
        byteWidth: 8,
      };
    case TypeId.Duration:
      return { ...base, desc: `duration[${UNITS_TIME[t.unit] ?? t.unit}]`, byteWidth: 8 };
    case TypeId.Interval: {
      // YEAR_MONTH = 0 (4 bytes), DAY_TIME = 1 (8 bytes), MONTH_DAY_NANO = 2 (16 bytes).
      const width = [4, 8, 16][t.unit as number] ?? 0;
      return { ...base, desc: `interval[${t.unit}]`, byteWidth: width, bulk: width > 0 };
    }
    case TypeId.FixedSizeBinary: {
      const width = (t.byteWidth ?? t.stride) as number;
      return { ...base, desc: `fixed_binary[${width}]`, byteWidth: width };
    }
    case TypeId.List:
    case TypeId.LargeList: {
      const kids = children();
      const name = typeId === TypeId.List ? "list" : "large_list";
      return { ...base, desc: `${name}<${childDesc(kids)}>`, children: kids, bulk: kids.every((k) => k.type.bulk) };
    }
    case TypeId.FixedSizeList: {
      const kids = children();
      const size = (t.listSize ?? t.stride) as number;
      return {
        ...base,
        desc: `fixed_list[${size}]<${childDesc(kids)}>`,
        children: kids,
        listSize: size,
        bulk: kids.every((k) => k.type.bulk),
      };
    }
    case TypeId.Struct: {
      const kids = children();
      return { ...base, desc: `struct<${childDesc(kids)}>`, children: kids, bulk: kids.every((k) => k.type.bulk) };
    }
    case TypeId.Map: {
      const kids = children();
      return {
        ...base,
        desc: `map${t.keysSorted ? "[sorted]" : ""}<${childDesc(kids)}>`,
        children: kids,
        bulk: kids.every((k) => k.type.bulk),
      };
    }
    case TypeId.Dictionary: {
      const value = typeInfo(t.dictionary as AnyRecord);
      const index = typeInfo(t.indices as AnyRecord);
      const ordered = Boolean(t.isOrdered ?? t.ordered);
      // Dictionary columns are hashed by value, so only plain value types are read in bulk.
      const plainValues = value.byteWidth > 0 || isVarWidth(value.typeId) || value.typeId === TypeId.Bool;
      return {
        ...base,
        desc: `dictionary<${index.desc},${value.desc}${ordered ? ",ordered" : ""}>`,
        byteWidth: index.byteWidth,
        dictionary: value,
        bulk: plainValues && value.bulk,
      };
    }
    default:
      // Union, views, run-end encoded, …: fingerprinted through their values (see columnDigest).
      return { ...base, desc: `type${typeId}:${String(t)}`, bulk: false };
  }
}

/** Utf8, LargeUtf8, Binary, LargeBinary. */
export function isVarWidth(typeId: number): boolean {
  return (
    typeId === TypeId.Utf8 || typeId === TypeId.LargeUtf8 || typeId === TypeId.Binary || typeId === TypeId.LargeBinary
  );
}

/** List, LargeList, Map (offsets into one child). */
export function isListLike(typeId: number): boolean {
  return typeId === TypeId.List || typeId === TypeId.LargeList || typeId === TypeId.Map;
}

function bytesOf(view: unknown): Uint8Array | undefined {
  if (!ArrayBuffer.isView(view)) return undefined;
  return view instanceof Uint8Array ? view : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function emptyToUndefined(bitmap: unknown): Uint8Array | undefined {
  const bytes = bytesOf(bitmap);
  return bytes && bytes.byteLength > 0 ? bytes : undefined;
}

/**
 * Chunk view of an apache-arrow `Data`. apache-arrow slices lazily: fixed-width values and offsets
 * are already cut at the slice start, the validity bitmap and boolean values are not (they start at
 * bit `offset`), Struct/FixedSizeList children are sliced with the parent, list children are not.
 */
export function chunkFromArrowData(data: AnyRecord): ChunkView {
  const type = typeInfo(data.type as AnyRecord);
  const isBool = type.typeId === TypeId.Bool;
  const isDict = type.typeId === TypeId.Dictionary;
  const dictionaryVector = isDict ? (data.dictionary as AnyRecord | undefined) : undefined;
  return {
    type,
    length: data.length as number,
    nullCount: data.nullCount as number,
    validity: emptyToUndefined(data.nullBitmap),
    validityBit: data.offset as number,
    values: isDict ? undefined : bytesOf(data.values),
    valuesBit: isBool ? (data.offset as number) : 0,
    indices: isDict ? (data.values as ArrayLike<number | bigint>) : undefined,
    offsets:
      isVarWidth(type.typeId) || isListLike(type.typeId)
        ? (data.valueOffsets as Int32Array | BigInt64Array)
        : undefined,
    data: isVarWidth(type.typeId) ? bytesOf(data.values) : undefined,
    children: ((data.children ?? []) as AnyRecord[]).map(chunkFromArrowData),
    dictionary: dictionaryVector
      ? { key: dictionaryVector, chunks: (dictionaryVector.data as AnyRecord[]).map(chunkFromArrowData) }
      : undefined,
  };
}

/** Chunk view of a flechette `Batch` (flechette batches never carry an offset). */
export function chunkFromFlechetteBatch(batch: AnyRecord, columnType?: AnyRecord): ChunkView {
  const type = typeInfo((batch.type ?? columnType) as AnyRecord);
  const isDict = type.typeId === TypeId.Dictionary;
  const varWidth = isVarWidth(type.typeId);
  const dictionaryColumn = isDict ? (batch.dictionary as AnyRecord | undefined) : undefined;
  return {
    type,
    length: batch.length as number,
    nullCount: batch.nullCount as number,
    validity: emptyToUndefined(batch.validity),
    validityBit: 0,
    values: isDict || varWidth ? undefined : bytesOf(batch.values),
    valuesBit: 0,
    indices: isDict ? (batch.values as ArrayLike<number | bigint>) : undefined,
    offsets: varWidth || isListLike(type.typeId) ? (batch.offsets as Int32Array | BigInt64Array) : undefined,
    data: varWidth ? bytesOf(batch.values) : undefined,
    children: ((batch.children ?? []) as AnyRecord[]).map((child) => chunkFromFlechetteBatch(child)),
    dictionary: dictionaryColumn
      ? {
          key: dictionaryColumn,
          chunks: (dictionaryColumn.data as AnyRecord[]).map((b) =>
            chunkFromFlechetteBatch(b, dictionaryColumn.type as AnyRecord),
          ),
        }
      : undefined,
  };
}

/** The same chunk restricted to rows [start, start + length). */
export function sliceChunk(chunk: ChunkView, start: number, length: number): ChunkView {
  if (start === 0 && length === chunk.length) return chunk;
  const { type } = chunk;
  const width = type.byteWidth;
  let children = chunk.children;
  if (type.typeId === TypeId.Struct) children = children.map((c) => sliceChunk(c, start, length));
  else if (type.typeId === TypeId.FixedSizeList) {
    children = children.map((c) => sliceChunk(c, start * type.listSize, length * type.listSize));
  }
  const isBool = type.typeId === TypeId.Bool;
  return {
    ...chunk,
    length,
    nullCount: chunk.nullCount === 0 ? 0 : -1,
    validityBit: chunk.validityBit + start,
    values:
      chunk.values && !isBool && width > 0
        ? chunk.values.subarray(start * width, (start + length) * width)
        : chunk.values,
    valuesBit: isBool ? chunk.valuesBit + start : chunk.valuesBit,
    indices: chunk.indices ? subarrayOf(chunk.indices, start, start + length) : undefined,
    offsets: chunk.offsets ? chunk.offsets.subarray(start, start + length + 1) : undefined,
    children,
  };
}

function subarrayOf(array: ArrayLike<number | bigint>, start: number, end: number): ArrayLike<number | bigint> {
  const typed = array as unknown as { subarray?: (s: number, e: number) => ArrayLike<number | bigint> };
  return typed.subarray ? typed.subarray(start, end) : Array.prototype.slice.call(array, start, end);
}
