// Rebuilds an apache-arrow Table with the classes of another copy of apache-arrow (zero-copy).
//
// apache-arrow's IPC writer checks `instanceof Table`/`RecordBatch`/`DataType`. When a user's table
// comes from a different copy of the library than the one this package loaded (CJS vs ESM build,
// a loader such as tsx, two installed versions), the writer would silently write nothing. The
// buffers are plain typed arrays, so re-wrapping schema, types and Data in the loaded copy's
// classes is cheap and shares every buffer.

type AnyRecord = Record<string, any>;

/**
 * True when `value` (Table, RecordBatch or Vector) and its types and Data are all instances of the
 * `arrow` module passed in. Checked deeply: under some loaders (tsx) the Table class is shared while
 * the type classes are not.
 */
export function isFromModule(arrow: AnyRecord, value: AnyRecord): boolean {
  const isA = (x: unknown, name: string) => x instanceof (arrow[name] as new () => unknown);
  if (!isA(value, "Table") && !isA(value, "RecordBatch") && !isA(value, "Vector")) return false;
  const datas: AnyRecord[] = Array.isArray(value.data) ? (value.data as AnyRecord[]) : [value.data as AnyRecord];
  const typesOk = (type: AnyRecord): boolean =>
    isA(type, "DataType") &&
    ((type.children ?? []) as AnyRecord[]).every((f) => isA(f, "Field") && typesOk(f.type as AnyRecord));
  const dataOk = (data: AnyRecord): boolean =>
    isA(data, "Data") && typesOk(data.type as AnyRecord) && ((data.children ?? []) as AnyRecord[]).every(dataOk);
  return datas.every(dataOk) && (!value.schema || (value.schema.fields as AnyRecord[]).every((f) => isA(f, "Field")));
}

/** The prototype in `arrow` for a foreign instance: its class's name, else its nearest ancestor's. */
function prototypeFor(arrow: AnyRecord, foreign: object): object {
  for (
    let proto = Object.getPrototypeOf(foreign) as AnyRecord | null;
    proto;
    proto = Object.getPrototypeOf(proto) as AnyRecord | null
  ) {
    const name = (proto.constructor as { name?: string } | undefined)?.name;
    const local: unknown = name ? arrow[name] : undefined;
    if (typeof local === "function" && typeof local.prototype === "object") return local.prototype as object;
  }
  throw new Error(`cannot map ${Object.prototype.toString.call(foreign)} onto the loaded apache-arrow`);
}

export class Rehomer {
  private readonly types = new Map<object, AnyRecord>();
  constructor(private readonly arrow: AnyRecord) {}

  type(foreign: AnyRecord): AnyRecord {
    const cached = this.types.get(foreign);
    if (cached) return cached;
    const local = Object.create(prototypeFor(this.arrow, foreign)) as AnyRecord;
    this.types.set(foreign, local);
    for (const key of Object.keys(foreign)) {
      const value = foreign[key] as unknown;
      if (key === "children" && Array.isArray(value)) local[key] = value.map((f: AnyRecord) => this.field(f));
      else if ((key === "dictionary" || key === "indices") && value && typeof value === "object")
        local[key] = this.type(value as AnyRecord);
      else local[key] = value;
    }
    return local;
  }

  field(foreign: AnyRecord): AnyRecord {
    return new this.arrow.Field(
      foreign.name,
      this.type(foreign.type as AnyRecord),
      foreign.nullable,
      foreign.metadata,
    ) as AnyRecord;
  }

  schema(foreign: AnyRecord): AnyRecord {
    return new this.arrow.Schema(
      (foreign.fields as AnyRecord[]).map((f) => this.field(f)),
      foreign.metadata,
    ) as AnyRecord;
  }

  data(foreign: AnyRecord): AnyRecord {
    const dictionary = foreign.dictionary as AnyRecord | undefined;
    return new this.arrow.Data(
      this.type(foreign.type as AnyRecord),
      foreign.offset,
      foreign.length,
      foreign.nullCount,
      foreign.buffers,
      ((foreign.children ?? []) as AnyRecord[]).map((c) => this.data(c)),
      dictionary ? new this.arrow.Vector((dictionary.data as AnyRecord[]).map((d) => this.data(d))) : undefined,
      foreign.variadicBuffers ?? [],
    ) as AnyRecord;
  }

  table(foreign: AnyRecord): AnyRecord {
    const schema = this.schema(foreign.schema as AnyRecord);
    const batches = (foreign.batches as AnyRecord[]).map(
      (b) => new this.arrow.RecordBatch(schema, this.data(b.data as AnyRecord)),
    );
    return new this.arrow.Table(schema, batches) as AnyRecord;
  }
}
