// Types for @telecomsim/simulator (written by hand; the package is plain JavaScript).

export interface StartOptions {
  /** Scenario for the whole simulator: a file path or YAML text. */
  scenario?: string;
  /** The simulator binary (default: SIM_BINARY, `simulator` on PATH, or `go run ./cmd/simulator` in a checkout). */
  binary?: string;
  /** Attach to a running simulator (a container, a shared CI service) instead of starting one; default SIM_URL. */
  url?: string;
  /** Checkout to `go run` from when no binary is found (default: found upward from the working directory). */
  checkout?: string;
  /** Sent as `Authorization: Bearer` on /__sim (and passed as --admin-token when starting); default SIM_ADMIN_TOKEN. */
  adminToken?: string;
  /** Extra `serve` flags, e.g. ["--log-level", "debug"]. */
  args?: string[];
  /** Extra environment for the simulator process. */
  env?: Record<string, string>;
  /** How long to wait for it to answer, in ms (default 120000: `go run` compiles first). */
  startTimeout?: number;
  /** Receives the simulator's output. */
  log?: (chunk: string) => void;
}

export interface TenantOptions {
  /** Tenant id (default: a unique `node-<hex>`). */
  id?: string;
  /** Prefix of the generated id (default "node"). */
  prefix?: string;
  /** Scenario YAML for this tenant only. */
  scenario?: string;
  /** Freeze the clock at the scenario start (true) or at a later time. */
  frozen?: boolean | string | Date;
}

export interface ProviderInfo {
  name: string;
  title: string;
  mount: string;
  basePath: string;
  realBase: string;
  url: string;
  routes: number;
  specUrl: string;
  docs: string;
  docsUrl: string;
}

export interface ClockView {
  now: string;
  mode: 'real' | 'frozen';
  pendingTimers: number;
}

export interface JournalFilter {
  provider?: string;
  method?: string;
  /** Substring of the provider-relative path. */
  path?: string;
  status?: number;
  limit?: number;
}

export interface JournalEntry {
  id: number;
  time: string;
  tenant: string;
  provider: string;
  method: string;
  path: string;
  query?: string;
  route?: string;
  status: number;
  durationMs: number;
  requestHeaders?: Record<string, string>;
  requestBody?: string;
  responseBody?: string;
  requestBodyTruncated?: boolean;
  responseBodyTruncated?: boolean;
  fault?: string;
}

export interface Count {
  atLeast?: number;
  atMost?: number;
  exactly?: number;
}

export interface Expectation {
  provider?: string;
  method?: string;
  /** Route template, concrete path or glob ("/v2/cnams/{id}", "/v2/cnams/*", "/**\/cnams"). */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** A JSON subset of the request body, or text the body must contain. */
  body?: unknown;
  /** A number means exactly; default at least 1. */
  count?: Count | number;
}

export interface Difference {
  field: string;
  expected: string;
  actual: string;
}

export interface NearMiss {
  request: JournalEntry;
  differences: Difference[];
}

export interface Verification {
  ok: boolean;
  count: number;
  expected: string;
  matches: JournalEntry[];
  nearMisses: NearMiss[];
  message?: string;
}

export interface FaultRule {
  provider: string;
  route: string;
  status?: number;
  body?: string;
  latency?: string | { uniform: [string, string] };
  reset?: boolean;
  malformed?: boolean;
  retryAfter?: string;
  hang?: boolean;
  match?: { header?: string; body?: string };
  probability?: number;
  times?: number;
  after?: number;
  until?: string;
  [key: string]: unknown;
}

export interface StoredFault extends FaultRule {
  id: string;
  stats?: { matches: number; fired: number; draws: number };
}

export interface InboxMessage {
  id: number;
  type: string;
  receivedAt: string;
  headers: Record<string, string>;
  body: any;
}

export interface CallbackMatch {
  type?: string;
  /** Any format: 8339900238, 833-990-0238. */
  tfn?: string;
  cic?: string;
  respOrg?: string;
  change?: string;
}

export interface CallbackAttempt {
  n: number;
  time: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody: string;
  status?: number;
  responseBody?: string;
  error?: string;
  durationMs: number;
  fault?: string;
}

export interface Callback {
  id: string;
  key: string;
  target: { url: string };
  method: string;
  headers?: Record<string, string>;
  body: string;
  labels?: Record<string, string>;
  status: 'pending' | 'delivered' | 'dead';
  createdAt: string;
  deliveredAt?: string;
  attempts: CallbackAttempt[];
  [key: string]: unknown;
}

export interface DeliveredCallback extends Callback {
  /** body parsed as JSON. */
  json: any;
}

export interface WaitOptions {
  /** Wall-clock ms (default 5000). */
  timeout?: number;
  /** Poll interval in ms (default 20). */
  interval?: number;
}

export class SimulatorError extends Error {
  status?: number;
  body?: unknown;
}

export class VerificationError extends Error {
  result: Verification;
}

export class Simulator {
  readonly url: string;
  readonly adminToken?: string;
  static start(opts?: StartOptions): Promise<Simulator>;
  stop(): Promise<void>;
  waitHealthy(timeout?: number): Promise<void>;
  health(): Promise<{ status: string; version: string }>;
  control<T = any>(method: string, path: string, body?: unknown, opts?: { tenant?: string; expect?: number[] }): Promise<T>;
  providers(): Promise<ProviderInfo[]>;
  tenants(): Promise<Array<{ id: string; scenario: string; now: string; mode: string; journalEntries: number; lastUsed: string }>>;
  tenant(opts?: TenantOptions): Promise<Tenant>;
}

export class Tenant {
  readonly sim: Simulator;
  readonly id: string;
  /** http://127.0.0.1:port/t/<id> */
  readonly baseUrl: string;
  /** .../t/<id>/__sim */
  readonly controlUrl: string;
  readonly clock: {
    now(): Promise<Date>;
    get(): Promise<ClockView>;
    /** "4h", "90m", or milliseconds. */
    advance(by: string | number): Promise<ClockView>;
    set(when: string | Date): Promise<ClockView>;
    freeze(): Promise<ClockView>;
    real(): Promise<ClockView>;
  };
  readonly faults: {
    add(rule: FaultRule): Promise<StoredFault>;
    list(): Promise<StoredFault[]>;
    remove(id: string): Promise<void>;
    clear(): Promise<void>;
  };
  control<T = any>(method: string, path: string, body?: unknown, opts?: { expect?: number[] }): Promise<T>;
  /** The tenant's equivalent of the provider's real base URL ("flowroute" -> .../flowroute/v2). */
  url(provider: string): string;
  reset(opts?: { frozen?: boolean }): Promise<unknown>;
  loadScenario(yaml: string): Promise<unknown>;
  journal(filter?: JournalFilter): Promise<JournalEntry[]>;
  clearJournal(): Promise<void>;
  verify(expect: Expectation): Promise<Verification>;
  /** The request path ends with path's segments (templates and globs work); times defaults to at least once. Rejects with VerificationError. */
  expectCalled(method: string, path: string, times?: number): Promise<Verification>;
  expectCalled(expect: Expectation): Promise<Verification>;
  inbox(name?: string): Inbox;
  callbacks(filter?: CallbackMatch & { status?: string; limit?: number }): Promise<Callback[]>;
  replayCallback(id: string): Promise<Callback>;
  waitForCallback(match?: CallbackMatch, opts?: WaitOptions & { status?: 'pending' | 'delivered' | 'dead' }): Promise<DeliveredCallback>;
  state(): Promise<any>;
  importState(state: unknown): Promise<unknown>;
  delete(): Promise<void>;
}

export class Inbox {
  readonly tenant: Tenant;
  readonly name: string;
  /** inbox://<name>: subscribe this. */
  readonly url: string;
  /** The same inbox as an http:// URL on the simulator. */
  readonly httpUrl: string;
  messages(): Promise<InboxMessage[]>;
  clear(): Promise<void>;
  next(match?: { type?: string; tfn?: string }, opts?: WaitOptions): Promise<InboxMessage>;
}

declare const harness: {
  Simulator: typeof Simulator;
  Tenant: typeof Tenant;
  Inbox: typeof Inbox;
  SimulatorError: typeof SimulatorError;
  VerificationError: typeof VerificationError;
};
export default harness;
