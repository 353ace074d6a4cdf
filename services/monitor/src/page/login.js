'use strict';
// The key never goes into a URL the server sees: a link may carry it after '#',
// which browsers keep to themselves; it is traded for a session cookie and dropped.
async function signIn(key) {
  const r = await fetch('/monitor/api/session', { method: 'POST', headers: { Authorization: 'Bearer ' + key } });
  if (r.status === 204) { location.replace('/monitor/'); return; }
  document.getElementById('error').textContent = 'That key does not open the monitor.';
}
document.getElementById('sign-in').addEventListener('submit', (e) => { e.preventDefault(); signIn(document.getElementById('key').value.trim()); });
// Also when the link is opened on this very page (only the fragment changes then).
function fromLink() {
  const key = new URLSearchParams(location.hash.slice(1)).get('key');
  if (key) { history.replaceState(null, '', location.pathname); signIn(key); }
}
window.addEventListener('hashchange', fromLink);
fromLink();
