/**
 * JSON text of a read route's answer, made once per unchanged job. The engine hands out one frozen
 * view per committed state of a job, so the view object is the key: a new commit makes a new view and
 * the old text goes with the old view (WeakMap). Unfrozen values are serialized every time, and so
 * are values `kept` refuses (an answer that also shows other jobs, such as embedded children).
 */
export class JsonMemo<T extends object> {
  private readonly texts = new WeakMap<T, string>();

  constructor(
    private readonly shape: (value: T) => unknown = (value) => value,
    private readonly kept: (value: T) => boolean = () => true,
  ) {}

  text(value: T): string {
    if (!Object.isFrozen(value) || !this.kept(value)) return JSON.stringify(this.shape(value));
    let text = this.texts.get(value);
    if (text === undefined) {
      text = JSON.stringify(this.shape(value));
      this.texts.set(value, text);
    }
    return text;
  }

  /** The answer as Elysia would send the shaped object (same content type), from the kept text. */
  response(value: T, init: { status?: number; headers?: Record<string, string> } = {}): Response {
    return new Response(this.text(value), { status: init.status ?? 200, headers: { ...JSON_HEADERS, ...init.headers } });
  }
}

const JSON_HEADERS = { "content-type": "application/json;charset=utf-8" };
