/**
 * JSON answers of read routes, made once per unchanged job. The engine hands out one frozen view per
 * committed state of a job, so the view object is the key: a new commit makes a new view, and the old
 * answer goes with the old view (WeakMap). Unfrozen values are serialized every time, and so are values
 * `kept` refuses (an answer that also shows other jobs, such as embedded children).
 */
export class JsonMemo<T extends object> {
  private readonly texts = new WeakMap<T, string>();
  private readonly blobs = new WeakMap<T, Blob>();

  constructor(
    private readonly shape: (value: T) => unknown = (value) => value,
    private readonly kept: (value: T) => boolean = () => true,
  ) {}

  private keeps(value: T): boolean {
    return Object.isFrozen(value) && this.kept(value);
  }

  text(value: T): string {
    const known = this.texts.get(value);
    if (known !== undefined) return known;
    const text = JSON.stringify(this.shape(value));
    if (this.keeps(value)) this.texts.set(value, text);
    return text;
  }

  /**
   * A 200 with the content type Elysia gives an object. A kept answer's body is a Blob: Bun sends a
   * Blob's bytes as they are, where a string body is converted on every answer. The content type comes
   * from the Blob's type, which costs less than a headers init (~1 µs a request).
   */
  response(value: T): Response {
    const known = this.blobs.get(value);
    if (known !== undefined) return blobResponse(known);
    const text = JSON.stringify(this.shape(value));
    if (!this.keeps(value)) return new Response(text, JSON_INIT);
    // The Blob holds the bytes; the text is not kept beside it.
    const blob = new Blob([text], { type: JSON_TYPE });
    this.blobs.set(value, blob);
    return blobResponse(blob);
  }
}

/**
 * A kept answer: its content type is the Blob's, which Bun writes out with the body. Bun fills in the
 * header only then, or when the headers are first read (never once the body was read), so answers to
 * HEAD (route-wrapper.ts) and to in-process callers (`app.handle`, app.ts) have them read. Reading them
 * here would cost every answer over HTTP ~1 µs: the headers object Bun makes for it.
 */
const blobResponse = (blob: Blob): Response => new Response(blob);

const JSON_TYPE = "application/json;charset=utf-8";
const JSON_INIT = { status: 200, headers: { "content-type": JSON_TYPE } };
