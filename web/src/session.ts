/** Time a session request may take before the UI gives up on it. */
const requestTimeoutMs = 5000;

/**
 * Ends the session at the front. The front responds with 401 and a basic-auth challenge, which also makes
 * the browser forget the password it cached for this site. Resolves whether or not the request got
 * through, because the page shows the logged-out state either way.
 */
export async function logOut(): Promise<void> {
  try {
    await fetch('/logout', { method: 'POST', credentials: 'same-origin', cache: 'no-store', signal: AbortSignal.timeout(requestTimeoutMs) });
  } catch {
    // A network failure leaves the session to expire on its own.
  }
}

/**
 * Makes one plain request before a websocket reconnect. After a restart of the front the session
 * cookie is unknown, and Safari never sends cached basic credentials on a websocket handshake. A
 * plain request does send them, so its response sets a new session cookie for the handshake.
 * Resolves true when the response had a 2xx status.
 */
export async function renewSession(): Promise<boolean> {
  try {
    const response = await fetch('/api/health', { credentials: 'same-origin', cache: 'no-store', signal: AbortSignal.timeout(requestTimeoutMs) });
    return response.ok;
  } catch {
    // The websocket attempt that follows reports the failure through its close event.
    return false;
  }
}
