// The console's entry point: a hash router over the pages (#/tables, #/items/<table>,
// #/time/<table>, #/exports, #/server). Hash routes keep every URL relative to the page, so a reverse proxy's path
// prefix needs no configuration.
import { setCredentials, credentials } from './api.js';
import { showError } from './ui.js';
import * as tables from './tables.js';
import * as items from './items.js';
import * as time from './time.js';
import * as exportsPage from './exports.js';
import * as serverPage from './server.js';

const main = document.getElementById('main');

async function route() {
  document.body.dataset.ready = 'false';
  showError(null);
  const [page = 'tables', arg] = location.hash.replace(/^#\/?/, '').split('/');
  for (const link of document.querySelectorAll('nav a')) {
    if (link.id === `nav-${page}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const table = arg ? decodeURIComponent(arg) : undefined;
  try {
    if (page === 'items') await items.render(main, table);
    else if (page === 'time') await time.render(main, table, route);
    else if (page === 'exports') await exportsPage.render(main);
    else if (page === 'server') await serverPage.render(main);
    else await tables.render(main, route);
  } catch (e) {
    showError(e);
  }
  // For the browser tests: the route the page has drawn.
  document.body.dataset.route = location.hash;
  document.body.dataset.ready = 'true';
}

const form = document.getElementById('credentials-form');
const saved = credentials();
if (saved) {
  form.querySelector('#access-key').value = saved.accessKeyId ?? '';
  form.querySelector('#region').value = saved.region ?? '';
}
form.addEventListener('submit', (event) => {
  event.preventDefault();
  const accessKeyId = form.querySelector('#access-key').value.trim();
  setCredentials(accessKeyId ? {
    accessKeyId,
    secretAccessKey: form.querySelector('#secret-key').value,
    region: form.querySelector('#region').value.trim(),
  } : null);
  document.getElementById('connection').open = false;
  route();
});

window.addEventListener('hashchange', route);
route();
