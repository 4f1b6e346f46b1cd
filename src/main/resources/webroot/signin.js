// Sign in with Discord (contract section 9), apart from app.js: when the bridge offers it
// (GET /auth/methods), a "Sign in with Discord" button while signed out, and the user's name and
// avatar (GET /api/me) with a sign-out button once signed in. Nothing at all in other modes.

const root = document.createElement('div');
root.id = 'discord-signin';
root.className = 'discord-signin';
root.dataset.testid = 'discord-signin';

async function getJson(url) {
  const res = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  let body = null;
  try { body = await res.json(); } catch { /* not JSON */ }
  return { status: res.status, body };
}

function signInButton(loginPath) {
  const a = document.createElement('a');
  a.href = loginPath;
  a.className = 'discord-signin-button';
  a.dataset.testid = 'discord-signin-button';
  a.textContent = 'Sign in with Discord';
  return a;
}

function profile(me, logoutPath) {
  const frag = document.createDocumentFragment();
  if (me.avatarUrl) {
    const img = document.createElement('img');
    img.src = me.avatarUrl;
    img.alt = '';
    img.width = 28;
    img.height = 28;
    img.className = 'discord-avatar';
    img.dataset.testid = 'discord-avatar';
    img.referrerPolicy = 'no-referrer';
    frag.append(img);
  }
  const name = document.createElement('span');
  name.className = 'discord-name';
  name.dataset.testid = 'discord-name';
  name.textContent = me.displayName ?? me.username ?? me.userId;
  if (me.username && me.displayName && me.username !== me.displayName) name.title = `@${me.username}`;
  const out = document.createElement('button');
  out.type = 'button';
  out.className = 'secondary';
  out.dataset.testid = 'discord-signout';
  out.textContent = 'Sign out';
  out.addEventListener('click', async () => {
    out.disabled = true;
    const res = await fetch(logoutPath, { method: 'POST', credentials: 'same-origin' }).catch(() => null);
    if (res && res.ok) location.assign('/');
    else out.disabled = false;
  });
  frag.append(name, out);
  return frag;
}

async function boot() {
  const methods = await getJson('/auth/methods').catch(() => ({ status: 0 }));
  const login = methods.status === 200 ? methods.body?.discord : null;
  if (!login) return; // not offered here: leave the page to app.js
  document.body.classList.add('discord-mode');
  (document.querySelector('.topbar') ?? document.body).append(root);
  const me = await getJson('/api/me').catch(() => ({ status: 0 }));
  if (me.status === 200 && me.body?.userId) {
    root.dataset.state = 'signed-in';
    root.replaceChildren(profile(me.body, methods.body.logout ?? '/auth/logout'));
  } else {
    root.dataset.state = 'signed-out';
    root.replaceChildren(signInButton(login));
    const card = document.getElementById('sign-in');
    if (card) card.append(signInButton(login));
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
else boot();
