// The Server page: version, uptime, data directory, export destination, storage figures, and per
// operation the requests served, their rates and latencies (DescribeServer, the console's own
// read). Refreshed every two seconds while shown; the rate over the last refresh interval comes
// from the difference of two snapshots.
import { consoleCall } from './api.js';
import { el, showError, formatBytes, formatTime } from './ui.js';

const REFRESH_MS = 2000;

function formatMicros(us) {
  if (us < 1000) return `${Math.round(us)} µs`;
  if (us < 1e6) return `${(us / 1000).toFixed(us < 1e4 ? 2 : 1)} ms`;
  return `${(us / 1e6).toFixed(2)} s`;
}

function formatUptime(seconds) {
  const s = Math.floor(seconds);
  const parts = [[Math.floor(s / 86400), 'd'], [Math.floor(s / 3600) % 24, 'h'], [Math.floor(s / 60) % 60, 'min'], [s % 60, 's']];
  const first = parts.findIndex(([n]) => n > 0);
  return parts.slice(first < 0 ? 3 : first).map(([n, unit]) => `${n} ${unit}`).join(' ');
}

// The latency under which a fraction q of the requests ran: the upper bound of the bucket that
// reaches q (bucket i holds [2^(i-1), 2^i) µs), so "at most".
function quantile(buckets, q) {
  const total = buckets.reduce((a, b) => a + b, 0);
  if (total === 0) return '';
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i];
    if (seen >= q * total) return i === buckets.length - 1 ? `≥ ${formatMicros(2 ** (i - 1))}` : `≤ ${formatMicros(2 ** i)}`;
  }
  return '';
}

function info(server) {
  const rows = [
    ['Version', server.Version],
    ['Uptime', `${formatUptime(server.UptimeSeconds)} (since ${formatTime(server.StartTime)})`],
    ['Data directory', server.DataDirectory],
    ['Export destination', `${server.ExportDestination.Kind === 'S3_ENDPOINT' ? 'S3 endpoint' : 'local directory'} ${server.ExportDestination.Location}`],
    ['Region', server.Region],
    ['Synchronous writes', server.SyncWrites ? 'on' : 'off'],
    ['Tables', `${server.TableCount} table(s), ${server.ItemCount} item(s), ${formatBytes(server.TableSizeBytes)} (as DescribeTable reports them)`],
    ['Data directory on disk', formatBytes(server.DataDirectoryBytes)],
  ];
  return el('table', { id: 'server-info' },
    el('tbody', {}, rows.map(([name, value]) => el('tr', {}, el('th', { scope: 'row' }, name), el('td', { class: 'mono' }, value)))));
}

function operations(server, previous) {
  const before = Object.fromEntries((previous?.Operations ?? []).map((o) => [o.Operation, o]));
  const interval = previous ? server.Now - previous.Now : 0;
  const rows = server.Operations.map((o) => {
    const recent = interval > 0 ? (o.Count - (before[o.Operation]?.Count ?? 0)) / interval : undefined;
    return el('tr', { 'data-operation': o.Operation },
      el('th', { scope: 'row' }, o.Operation),
      el('td', {}, o.Count),
      el('td', {}, o.ClientErrors),
      el('td', {}, o.ServerErrors),
      el('td', {}, recent === undefined ? '…' : recent.toFixed(1)),
      el('td', {}, (o.Count / Math.max(server.UptimeSeconds, 0.001)).toFixed(2)),
      el('td', {}, formatMicros(o.TotalMicros / o.Count)),
      el('td', {}, quantile(o.LatencyBuckets, 0.5)),
      el('td', {}, quantile(o.LatencyBuckets, 0.99)));
  });
  return el('table', { id: 'server-operations' },
    el('caption', {}, 'Requests per operation since the start; latency from the parsed request to the response, before the wait for durability'),
    el('thead', {}, el('tr', {}, ['Operation', 'Requests', 'Client errors (4xx)', 'Server errors (5xx)',
      'Requests/s (last interval)', 'Requests/s (since start)', 'Mean latency', 'p50', 'p99'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows));
}

export async function render(main) {
  const area = el('div', { id: 'server-area', 'aria-live': 'off' });
  const stamp = el('p', { id: 'server-updated' });
  main.replaceChildren(el('h2', {}, 'Server'), stamp, area);
  let previous = null;
  const refresh = async () => {
    if (!area.isConnected) return;  // the page was left
    try {
      const server = await consoleCall('DescribeServer', {});
      area.replaceChildren(info(server), el('h3', {}, 'Requests'), operations(server, previous));
      stamp.textContent = `Updated ${formatTime(server.Now)}; refreshed every ${REFRESH_MS / 1000} s.`;
      area.dataset.snapshots = String(Number(area.dataset.snapshots ?? 0) + 1);
      previous = server;
    } catch (e) { showError(e); return; }
    setTimeout(refresh, REFRESH_MS);
  };
  await refresh();
}
