/**
 * The admin API (README "Admin API") over real HTTP, as curl drives it:
 * `X-API-Key` on every request, JSON bodies, and the multipart root upload.
 */

export interface AdminAnswer {
  /** The HTTP status code. */
  status: number;
  /** The parsed JSON body; `{}` for an empty one. */
  body: Record<string, unknown>;
}

export class AdminApi {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  /** POST `path` (below the base URL) with a JSON body. */
  postJson(path: string, json: unknown): Promise<AdminAnswer> {
    return this.send(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(json) });
  }

  /** POST `path` as multipart/form-data with one file field, as `curl -F "<field>=@<filename>"` sends it. */
  postFile(path: string, field: string, filename: string, content: string): Promise<AdminAnswer> {
    const form = new FormData();
    form.append(field, new Blob([content], { type: 'application/x-pem-file' }), filename);
    return this.send(path, { method: 'POST', body: form });
  }

  private async send(path: string, init: RequestInit): Promise<AdminAnswer> {
    const response = await fetch(`${this.baseUrl}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), 'X-API-Key': this.apiKey } });
    const text = await response.text();
    let body: Record<string, unknown> = {};
    if (text !== '') {
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        body = { unparsed: text.slice(0, 200) };
      }
    }
    return { status: response.status, body };
  }
}

/** `METHOD path → status` plus the admin API's `error`/`message` on a refusal: one line for the demo's output. */
export function describeAnswer(method: string, path: string, answer: AdminAnswer): string {
  const refusal = answer.status >= 400 ? ` ${String(answer.body.error ?? '')}: ${String(answer.body.message ?? '')}` : '';
  return `${method} ${path} → ${answer.status}${refusal}`;
}
