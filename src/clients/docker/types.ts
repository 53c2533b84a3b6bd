export interface CallOptions {
  signal?: AbortSignal;
}

export type ServiceState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
export type ServiceHealth = 'healthy' | 'unhealthy' | 'starting' | 'none';

export interface ServiceStatus {
  service: string;
  containerId: string;
  containerName: string;
  image: string;
  state: ServiceState;
  health: ServiceHealth;
  startedAt?: Date;
  exitCode?: number;
  /** A one-shot container (restart policy "no", e.g. a migration) that exited 0: its job is done, nothing is wrong. */
  completed?: true;
  restartCount: number;
}

export interface RestartResult {
  service: string;
  tookMs: number;
  state: ServiceState;
  health: ServiceHealth;
}

export interface LogLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface RestartOptions extends CallOptions {
  /** How long to wait for healthy (or running) after the restart; the result then reports where it got to. */
  timeoutMs?: number;
  /** Seconds the engine lets the process stop before killing it (restart?t=N), 1..10; default 10. */
  stopTimeoutSec?: number;
}

export interface DockerClient {
  readonly project: string;
  ping(opts?: CallOptions): Promise<{ ok: boolean; apiVersion?: string }>;
  listServices(opts?: CallOptions): Promise<ServiceStatus[]>;
  /** Restarts and waits until healthy (or running, without a healthcheck). Refuses services outside the project. */
  restart(service: string, opts?: RestartOptions): Promise<RestartResult>;
  tailLogs(service: string, q?: { lines?: number; sinceSec?: number }, opts?: CallOptions): Promise<LogLine[]>;
}
