import type { InternalAxiosRequestConfig } from 'axios';

/** Adds HTTP Basic credentials to every request. */
export function basicAuth(username: string, password: string) {
  const value = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  return (req: InternalAxiosRequestConfig): InternalAxiosRequestConfig => {
    req.headers.set('Authorization', value);
    return req;
  };
}
