// The Exports and imports page: every export (ListExports, DescribeExport) and import
// (ListImports, DescribeImport) with status, format, destination or source, item counts and
// duration; a running export's progress per data file, refreshed while it runs
// (DescribeExportProgress, the console's own read); a completed export's manifests
// (GetExportManifest); a completed export's verification by the export verifier (VerifyExport,
// then DescribeExportVerification polled until it ends: docs/console.md, "Verifying an export");
// forms that start an export (full or incremental) and an import, each after a confirmation.
// Loading the page only reads.
import { call, consoleCall, listTableNames } from './api.js';
import { el, field, select, showError, confirmAction, formatBytes, formatTime } from './ui.js';

const POLL_MS = 500;

async function allPages(operation, request, listKey) {
  const out = [];
  let token;
  do {
    const page = await call(operation, token ? { ...request, NextToken: token } : request);
    out.push(...(page[listKey] ?? []));
    token = page.NextToken;
  } while (token);
  return out;
}

function duration(start, end) {
  if (start === undefined) return '';
  const seconds = (end ?? Date.now() / 1000) - start;
  const text = seconds < 60 ? `${seconds.toFixed(1)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return end === undefined ? `${text} so far` : text;
}

// A ClientToken, as the SDKs fill one in (ImportTable requires it). crypto.randomUUID exists on
// secure pages only; getRandomValues everywhere.
function clientToken() {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const idOf = (arn) => arn.split('/').pop();
const tableOf = (arn) => (arn ?? '').split('/')[1] ?? '';
const destination = (bucket, prefix) => `s3://${bucket}/${prefix ?? ''}`;

// The progress of a running export, one line per data file.
function progressView(progress) {
  if (progress.DataFiles.length === 0) return el('span', {}, 'starting');
  const items = progress.DataFiles.reduce((n, f) => n + f.ItemCount, 0);
  const done = progress.DataFiles.filter((f) => f.Done).length;
  return el('div', { class: 'export-progress' },
    el('div', {}, `${items} item(s) so far; ${done} of ${progress.DataFiles.length} data file(s) done`),
    el('ul', {}, progress.DataFiles.map((f) => el('li', { class: 'mono' },
      `${f.Key.split('/').pop()}: ${f.ItemCount} item(s), ${formatBytes(f.ItemBytes)} of items, ` +
      `${formatBytes(f.WrittenBytes)} written${f.Done ? ', done' : ''}`))));
}

// A verification as the console's operations describe it: its status, then the verifier's
// line (or why it could not run) and whether the items were compared with the table.
function verificationView(v) {
  if (v.VerificationStatus === 'NOT_VERIFIED') return '';
  const status = v.VerificationStatus.replace('_', ' ');
  const table = v.TableCompared ? `compared with table ${v.AgainstTable}`
    : v.AgainstTable && v.VerificationStatus === 'IN_PROGRESS' ? `and compares it with table ${v.AgainstTable}`
      : v.TableComparisonNote ?? '';
  return el('div', { class: 'verification', 'data-verification': v.VerificationStatus },
    el('strong', { class: 'verification-status' }, status),
    v.Message ? el('div', { class: 'mono verification-message' }, v.Message) : '',
    table ? el('div', { class: 'verification-table' }, table) : '');
}

// The Verify button and the verification's cell of one completed export: starting one polls
// its state until it ends (reads only, like the progress view).
function verificationControls(d) {
  const cell = el('td', { class: 'verification-cell', 'aria-live': 'polite' });
  const button = el('button', { type: 'button', 'aria-label': `Verify export ${idOf(d.ExportArn)}` }, 'Verify');
  const show = (v) => {
    cell.replaceChildren(verificationView(v));
    button.disabled = v.VerificationStatus === 'IN_PROGRESS';
  };
  const poll = async () => {
    if (!cell.isConnected) return;  // the page was left, or redrawn (which polls anew)
    try {
      const v = await consoleCall('DescribeExportVerification', { ExportArn: d.ExportArn });
      show(v);
      if (v.VerificationStatus === 'IN_PROGRESS') setTimeout(poll, POLL_MS);
    } catch (e) { showError(e); }
  };
  button.addEventListener('click', async () => {
    showError(null);
    try {
      show(await consoleCall('VerifyExport', { ExportArn: d.ExportArn }));
      setTimeout(poll, POLL_MS);
    } catch (e) { showError(e); }
  });
  return { cell, button, load: poll };
}

function exportRows(exports, onManifest) {
  return exports.map((d) => {
    const progressCell = el('td', { class: 'progress-cell' });
    const verification = d.ExportStatus === 'COMPLETED' ? verificationControls(d) : null;
    const row = el('tr', { 'data-export-id': idOf(d.ExportArn), 'data-status': d.ExportStatus },
      el('th', { scope: 'row', class: 'mono', title: d.ExportArn }, idOf(d.ExportArn)),
      el('td', {}, tableOf(d.TableArn)),
      el('td', {}, d.ExportType ?? 'FULL_EXPORT'),
      el('td', { class: 'status' }, d.ExportStatus, d.FailureCode ? el('div', {}, `${d.FailureCode}: ${d.FailureMessage ?? ''}`) : ''),
      el('td', {}, d.ExportFormat),
      el('td', { class: 'mono' }, destination(d.S3Bucket, d.S3Prefix)),
      el('td', { class: 'items' }, d.ItemCount ?? ''),
      el('td', {}, d.BilledSizeBytes === undefined ? '' : formatBytes(d.BilledSizeBytes)),
      el('td', {}, formatTime(d.StartTime)),
      el('td', {}, duration(d.StartTime, d.EndTime)),
      progressCell,
      verification ? verification.cell : el('td', {}),
      el('td', { class: 'actions' }, verification
        ? [el('button', { type: 'button', 'aria-label': `Manifest of export ${idOf(d.ExportArn)}`, onclick: () => onManifest(d) }, 'Manifest'),
           ' ', verification.button] : ''));
    return { row, progressCell, verification, description: d };
  });
}

function importRows(imports) {
  return imports.map((d) => el('tr', { 'data-import-id': idOf(d.ImportArn), 'data-status': d.ImportStatus },
    el('th', { scope: 'row', class: 'mono', title: d.ImportArn }, idOf(d.ImportArn)),
    el('td', {}, d.TableCreationParameters?.TableName ?? tableOf(d.TableArn)),
    el('td', { class: 'status' }, d.ImportStatus, d.FailureCode ? el('div', {}, `${d.FailureCode}: ${d.FailureMessage ?? ''}`) : ''),
    el('td', {}, `${d.InputFormat}${d.InputCompressionType && d.InputCompressionType !== 'NONE' ? ` (${d.InputCompressionType})` : ''}`),
    el('td', { class: 'mono' }, destination(d.S3BucketSource?.S3Bucket, d.S3BucketSource?.S3KeyPrefix)),
    el('td', { class: 'items' }, `${d.ImportedItemCount ?? 0} of ${d.ProcessedItemCount ?? 0}`),
    el('td', {}, d.ErrorCount ?? 0),
    el('td', {}, formatTime(d.StartTime)),
    el('td', {}, duration(d.StartTime, d.EndTime))));
}

function table(id, caption, headers, rows) {
  return el('table', { id },
    el('caption', {}, caption),
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows));
}

// A datetime-local value as epoch seconds (undefined when empty).
const seconds = (value) => (value ? new Date(value).getTime() / 1000 : undefined);

function exportForm(tableNames, refresh) {
  const tableChoice = select(tableNames, { id: 'export-table' });
  const bucket = el('input', { id: 'export-form-bucket', required: true, autocomplete: 'off' });
  const prefix = el('input', { id: 'export-form-prefix', autocomplete: 'off' });
  const format = select(['DYNAMODB_JSON', 'ION'], { id: 'export-format' });
  const type = select([['FULL_EXPORT', 'Full'], ['INCREMENTAL_EXPORT', 'Incremental']], { id: 'export-type' });
  const exportTime = el('input', { type: 'datetime-local', step: 1, id: 'export-time' });
  const from = el('input', { type: 'datetime-local', step: 1, id: 'export-from' });
  const to = el('input', { type: 'datetime-local', step: 1, id: 'export-to' });
  const view = select(['NEW_AND_OLD_IMAGES', 'NEW_IMAGE'], { id: 'export-view' });
  const full = el('div', { class: 'row' }, field('Export time (empty: now)', exportTime));
  const incremental = el('div', { class: 'row', hidden: true }, field('From (your local time)', from),
                         field('To (your local time)', to), field('View type', view));
  type.addEventListener('change', () => {
    full.hidden = type.value !== 'FULL_EXPORT';
    incremental.hidden = !full.hidden;
  });
  const result = el('p', { role: 'status', id: 'export-started' });
  const form = el('form', { id: 'export-form', 'aria-labelledby': 'export-form-heading' },
    el('h3', { id: 'export-form-heading' }, 'Start an export'),
    el('div', { class: 'row' }, field('Table', tableChoice), field('Bucket', bucket), field('Prefix (optional)', prefix),
       field('Format', format), field('Type', type)),
    full, incremental,
    el('p', {}, el('button', { type: 'submit' }, 'Start export')), result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showError(null);
    const what = type.value === 'FULL_EXPORT' ? 'a full export' : 'an incremental export';
    if (!await confirmAction(`Start ${what} of ${tableChoice.value} to ${destination(bucket.value, prefix.value)}?`, 'Start export')) return;
    try {
      const { Table } = await call('DescribeTable', { TableName: tableChoice.value });
      const request = { TableArn: Table.TableArn, S3Bucket: bucket.value, ExportFormat: format.value, ExportType: type.value,
                        ClientToken: clientToken() };
      if (prefix.value) request.S3Prefix = prefix.value;
      if (type.value === 'FULL_EXPORT') {
        if (exportTime.value) request.ExportTime = seconds(exportTime.value);
      } else {
        request.IncrementalExportSpecification = { ExportFromTime: seconds(from.value), ExportToTime: seconds(to.value),
                                                   ExportViewType: view.value };
      }
      const answer = await call('ExportTableToPointInTime', request);
      result.textContent = `Export started: ${answer.ExportDescription.ExportArn}`;
      await refresh();
    } catch (e) { showError(e); }
  });
  return form;
}

function importForm(refresh) {
  const bucket = el('input', { id: 'import-bucket', required: true, autocomplete: 'off' });
  const prefix = el('input', { id: 'import-prefix', autocomplete: 'off' });
  const format = select(['DYNAMODB_JSON', 'ION', 'CSV'], { id: 'import-format' });
  const compression = select(['NONE', 'GZIP', 'ZSTD'], { id: 'import-compression' });
  const tableName = el('input', { id: 'import-table-name', required: true, autocomplete: 'off' });
  const types = [['S', 'String (S)'], ['N', 'Number (N)'], ['B', 'Binary (B)']];
  const pk = el('input', { id: 'import-pk', required: true, autocomplete: 'off' });
  const pkType = select(types, { id: 'import-pk-type' });
  const sk = el('input', { id: 'import-sk', autocomplete: 'off' });
  const skType = select(types, { id: 'import-sk-type' });
  const result = el('p', { role: 'status', id: 'import-started' });
  const form = el('form', { id: 'import-form', 'aria-labelledby': 'import-form-heading' },
    el('h3', { id: 'import-form-heading' }, 'Start an import into a new table'),
    el('div', { class: 'row' }, field('Source bucket', bucket), field('Key prefix (optional)', prefix),
       field('Input format', format), field('Compression', compression)),
    el('div', { class: 'row' }, field('New table name', tableName), field('Partition key', pk), field('Partition key type', pkType),
       field('Sort key (optional)', sk), field('Sort key type', skType)),
    el('p', {}, el('button', { type: 'submit' }, 'Start import')), result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showError(null);
    if (!await confirmAction(`Create the table ${tableName.value} from ${destination(bucket.value, prefix.value)}?`, 'Start import')) return;
    const keys = [{ AttributeName: pk.value, KeyType: 'HASH' }];
    const definitions = [{ AttributeName: pk.value, AttributeType: pkType.value }];
    if (sk.value) {
      keys.push({ AttributeName: sk.value, KeyType: 'RANGE' });
      definitions.push({ AttributeName: sk.value, AttributeType: skType.value });
    }
    const source = { S3Bucket: bucket.value };
    if (prefix.value) source.S3KeyPrefix = prefix.value;
    try {
      const answer = await call('ImportTable', {
        ClientToken: clientToken(), S3BucketSource: source, InputFormat: format.value, InputCompressionType: compression.value,
        TableCreationParameters: { TableName: tableName.value, KeySchema: keys, AttributeDefinitions: definitions,
                                   BillingMode: 'PAY_PER_REQUEST' } });
      result.textContent = `Import started: ${answer.ImportTableDescription.ImportArn}`;
      await refresh();
    } catch (e) { showError(e); }
  });
  return form;
}

export async function render(main) {
  main.replaceChildren(el('h2', {}, 'Exports and imports'), el('p', {}, 'Loading…'));
  const exportsArea = el('div', { id: 'exports-area' });
  const importsArea = el('div', { id: 'imports-area' });
  const manifest = el('section', { id: 'manifest', 'aria-live': 'polite' });
  let polling = null;
  let generation = 0;  // of the latest refresh: an older one's poll stops

  const showManifest = async (d) => {
    showError(null);
    try {
      const answer = await consoleCall('GetExportManifest', { ExportArn: d.ExportArn });
      manifest.replaceChildren(
        el('h3', { id: 'manifest-heading', tabindex: '-1' }, `Manifest of export ${idOf(d.ExportArn)}`),
        el('h4', {}, 'manifest-summary.json'),
        el('pre', { id: 'manifest-summary' }, JSON.stringify(answer.ManifestSummary, null, 2)),
        el('h4', {}, `manifest-files.json (${answer.ManifestFiles.length} data file(s))`),
        el('pre', { id: 'manifest-files' }, answer.ManifestFiles.map((f) => JSON.stringify(f)).join('\n')));
      manifest.querySelector('#manifest-heading').focus();
    } catch (e) { showError(e); }
  };

  // Draws both lists; while an export runs, polls its progress (reads only) and redraws the
  // lists once it has ended.
  const refresh = async () => {
    clearTimeout(polling);
    const mine = ++generation;
    const exportArns = (await allPages('ListExports', {}, 'ExportSummaries')).map((s) => s.ExportArn);
    const exports = await Promise.all(exportArns.map(async (arn) => (await call('DescribeExport', { ExportArn: arn })).ExportDescription));
    const importArns = (await allPages('ListImports', {}, 'ImportSummaryList')).map((s) => s.ImportArn);
    const imports = await Promise.all(importArns.map(async (arn) => (await call('DescribeImport', { ImportArn: arn })).ImportTableDescription));
    const rows = exportRows(exports, showManifest);
    exportsArea.replaceChildren(exports.length === 0 ? el('p', {}, 'No exports yet.')
      : table('exports', `${exports.length} export(s), newest first`,
              ['Export', 'Table', 'Type', 'Status', 'Format', 'Destination', 'Items', 'Size', 'Started', 'Duration', 'Progress',
               'Verification', 'Actions'],
              rows.map((r) => r.row)));
    // A completed export's latest verification (kept by the server until it stops); one still
    // running is polled until it ends.
    await Promise.all(rows.filter((r) => r.verification).map((r) => r.verification.load()));
    importsArea.replaceChildren(imports.length === 0 ? el('p', {}, 'No imports yet.')
      : table('imports', `${imports.length} import(s)`,
              ['Import', 'Table', 'Status', 'Format', 'Source', 'Items imported', 'Errors', 'Started', 'Duration'],
              importRows(imports)));
    const running = rows.filter((r) => r.description.ExportStatus === 'IN_PROGRESS');
    const importing = imports.some((d) => d.ImportStatus === 'IN_PROGRESS');
    if (running.length === 0 && !importing) return;
    const poll = async () => {
      if (!exportsArea.isConnected || mine !== generation) return;  // the page was left, or redrawn
      try {
        let ended = false;
        for (const r of running) {
          const progress = await consoleCall('DescribeExportProgress', { ExportArn: r.description.ExportArn });
          if (progress.ExportStatus !== 'IN_PROGRESS') ended = true;
          else r.progressCell.replaceChildren(progressView(progress));
        }
        if (mine !== generation) return;
        if (ended) { await refresh(); return; }
      } catch (e) { showError(e); return; }
      // An import has no progress of its own to poll: its row is redrawn from DescribeImport.
      polling = setTimeout(importing ? refresh : poll, POLL_MS);
    };
    await poll();
  };

  const tableNames = await listTableNames();
  main.replaceChildren(
    el('h2', {}, 'Exports and imports'),
    el('section', { 'aria-labelledby': 'exports-heading' }, el('h3', { id: 'exports-heading' }, 'Exports'), exportsArea),
    manifest,
    el('section', { 'aria-labelledby': 'imports-heading' }, el('h3', { id: 'imports-heading' }, 'Imports'), importsArea),
    tableNames.length ? exportForm(tableNames, refresh) : el('p', {}, 'Create a table to export it.'),
    importForm(refresh));
  await refresh();
}
