const TOKEN_KEY = 'drill.apiToken';
const TWIN_KEY = 'drill.twinUrl';

export interface Settings {
  readonly twinUrl: string | undefined;
  readonly token: string | undefined;
  readonly traceUrl: string | undefined;
}

/**
 * Settings come in the URL fragment (never sent to a server, so the token stays
 * out of every log): `#twin=URL&token=T&trace=URL`. The token moves to the
 * tab's sessionStorage and leaves the address bar.
 */
export function readSettings(): Settings {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token');
  if (token) rememberToken(token);
  const twin = params.get('twin');
  if (twin) sessionStorage.setItem(TWIN_KEY, twin);
  params.delete('token');
  const rest = params.toString();
  history.replaceState(null, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  return { twinUrl: sessionStorage.getItem(TWIN_KEY) ?? undefined, token: sessionStorage.getItem(TOKEN_KEY) ?? undefined, traceUrl: params.get('trace') ?? undefined };
}

/** Keeps a token the orchestrator accepted for this tab, across reloads. */
export function rememberToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}
