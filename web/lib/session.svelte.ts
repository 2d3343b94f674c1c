import { api, ApiError, setCsrfToken } from './api/client.ts';
import type { Session as SessionView, SignedInUser } from './api/types.ts';

/** Who is signed in: loaded once from /api/auth/me, set by login, cleared by logout. */
class Session {
  user = $state<SignedInUser | null>(null);
  loaded = $state(false);

  async load(): Promise<SignedInUser | null> {
    if (this.loaded) return this.user;
    try {
      this.accept(await api<SessionView>('/api/auth/me'));
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) throw error;
      this.user = null;
    }
    this.loaded = true;
    return this.user;
  }

  async login(email: string, password: string): Promise<SignedInUser> {
    const session = await api<SessionView>('/api/auth/login', { method: 'POST', body: { email, password } });
    this.accept(session);
    this.loaded = true;
    return session.user;
  }

  async logout(): Promise<void> {
    await api('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
    this.user = null;
    setCsrfToken(null);
  }

  private accept(session: SessionView) {
    this.user = session.user;
    setCsrfToken(session.csrfToken);
  }
}

export const session = new Session();
