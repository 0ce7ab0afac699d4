/**
 * What Outlook's JavaScript-only runtime offers besides standard JavaScript: timers and fetch.
 * No DOM types here, on purpose, so that DOM use in the event bundle does not compile.
 */
declare function setTimeout(handler: () => void, ms?: number): number;
declare function clearTimeout(id: number | undefined): void;

interface RequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

interface Response {
  readonly ok: boolean;
  readonly status: number;
  json(): Promise<unknown>;
  text(): Promise<string>;
}

declare function fetch(url: string, init?: RequestInit): Promise<Response>;
