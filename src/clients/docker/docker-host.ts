import { userError } from '../../bot/errors.js';

export type DockerEndpoint =
  | { kind: 'socket'; socketPath: string; label: string }
  | { kind: 'tcp'; host: string; port: number; protocol: 'http' | 'https'; label: string };

const DEFAULT_SOCKET = '/var/run/docker.sock';

/** Turns a DOCKER_HOST value (unix://, tcp://, http(s):// or a bare socket path) into dockerode connection options. */
export function parseDockerHost(dockerHost?: string): DockerEndpoint {
  const raw = (dockerHost ?? '').trim();
  if (raw === '') return { kind: 'socket', socketPath: DEFAULT_SOCKET, label: `unix://${DEFAULT_SOCKET}` };
  if (raw.startsWith('/')) return { kind: 'socket', socketPath: raw, label: `unix://${raw}` };
  if (raw.startsWith('unix://')) {
    const socketPath = raw.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw invalid(raw);
    return { kind: 'socket', socketPath, label: raw };
  }
  const m = /^(tcp|http|https):\/\/([^/:]+|\[[^\]]+\]):(\d{1,5})\/?$/.exec(raw);
  if (!m) throw invalid(raw);
  const [, scheme, host, port] = m as unknown as [string, string, string, string];
  const protocol = scheme === 'https' ? 'https' : 'http';
  return { kind: 'tcp', host, port: Number(port), protocol, label: `${scheme}://${host}:${port}` };
}

function invalid(raw: string) {
  // The value is shown: a DOCKER_HOST holds no credentials (TLS material comes from files).
  return userError('CONFIG_INVALID', `DOCKER_HOST '${raw}' is not unix:///path/to/docker.sock or tcp://host:port`, {
    service: 'docker',
  });
}
