/**
 * fetch for test helpers that talk to the real servers. Node's fetch keeps connections alive; under load a server
 * (uvicorn, gunicorn) may close an idle one just as a request goes out on it, and undici reports "other side closed"
 * before any response. That request never reached the application, so sending it once more on a new connection is
 * safe, for writes too. Any answer, a timeout or a second failure is returned or thrown as it is.
 */
export async function fetchAgain(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    if (!closedBeforeAnswer(err) || init?.signal?.aborted) throw err;
    return fetch(url, init);
  }
}

function closedBeforeAnswer(err: unknown): boolean {
  const cause = err instanceof TypeError ? (err.cause as { code?: string } | undefined) : undefined;
  return cause?.code === 'UND_ERR_SOCKET' || cause?.code === 'ECONNRESET';
}
