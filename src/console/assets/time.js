// The Time page: a table's point-in-time recovery window. Enable PITR; look at the table as it
// was at a moment and compare an item between two moments, read-only (past.js, through the
// server's console operations: the DynamoDB API has no as-of read); restore to a moment into a
// new table or export the table as of a moment (docs/console.md).
import { call, listTableNames } from './api.js';
import { el, field, select, showError, confirmAction, formatTime } from './ui.js';
import { pastSection } from './past.js';

// A datetime-local value (the browser's local time) as epoch seconds.
function epochSeconds(localValue) { return new Date(localValue).getTime() / 1000; }

// The picker has whole seconds; the window's start usually does not. A moment in the window's
// first (partial) second means its start, which the server would otherwise refuse as too early.
function inWindow(seconds, earliest) {
  return seconds < earliest && earliest - seconds < 1 ? earliest : seconds;
}

function localValue(seconds) {
  const d = new Date(seconds * 1000);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export async function render(main, tableName, refresh) {
  const names = await listTableNames();
  main.replaceChildren(el('h2', {}, 'Time'));
  if (names.length === 0) { main.append(el('p', {}, 'No tables yet.')); return; }
  if (!names.includes(tableName)) tableName = names[0];
  const tableChoice = select(names, { id: 'time-table' });
  tableChoice.value = tableName;
  tableChoice.addEventListener('change', () => { location.hash = `#/time/${encodeURIComponent(tableChoice.value)}`; });
  main.append(el('div', { class: 'row' }, field('Table', tableChoice)));
  const backups = await call('DescribeContinuousBackups', { TableName: tableName });
  const pitr = backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription ?? {};
  if (pitr.PointInTimeRecoveryStatus !== 'ENABLED') {
    main.append(el('p', {}, `Point-in-time recovery is off for ${tableName}: there is no history to look at.`),
      el('button', { type: 'button', id: 'enable-pitr', onclick: async () => {
        try {
          await call('UpdateContinuousBackups', { TableName: tableName, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } });
          await refresh();
        } catch (e) { showError(e); }
      } }, 'Enable point-in-time recovery'));
    return;
  }
  const earliest = pitr.EarliestRestorableDateTime;
  const latest = pitr.LatestRestorableDateTime;
  const { Table: table } = await call('DescribeTable', { TableName: tableName });
  const moment = el('input', { type: 'datetime-local', step: 1, id: 'time-moment', min: localValue(earliest), max: localValue(latest) });
  moment.value = localValue(latest);
  const target = el('input', { id: 'restore-target', autocomplete: 'off', value: `${tableName}-restored` });
  const bucket = el('input', { id: 'export-bucket', autocomplete: 'off' });
  const result = el('p', { role: 'status', id: 'time-result' });
  main.append(
    el('p', {}, 'Recovery window: ', el('span', { class: 'mono', id: 'time-window' }, `${formatTime(earliest)} to ${formatTime(latest)}`)),
    el('div', { class: 'row' }, field('Moment (your local time)', moment)),
    pastSection(table, () => inWindow(epochSeconds(moment.value), earliest), { earliest, latest }, localValue,
                (value) => inWindow(epochSeconds(value), earliest)),
    el('h3', {}, 'Restore or export as of the moment'),
    el('form', { onsubmit: async (event) => {
      event.preventDefault();
      showError(null);
      const when = inWindow(epochSeconds(moment.value), earliest);
      if (!await confirmAction(`Create the table ${target.value} from ${tableName} as of ${formatTime(when)}?`, 'Restore')) return;
      try {
        await call('RestoreTableToPointInTime', { SourceTableName: tableName, TargetTableName: target.value, RestoreDateTime: when });
        result.textContent = `Restoring into ${target.value}.`;
      } catch (e) { showError(e); }
    } }, el('div', { class: 'row' }, field('New table name', target), el('button', { type: 'submit' }, 'Restore to a new table'))),
    el('form', { onsubmit: async (event) => {
      event.preventDefault();
      showError(null);
      const when = inWindow(epochSeconds(moment.value), earliest);
      if (!await confirmAction(`Export ${tableName} as of ${formatTime(when)} to the bucket ${bucket.value}?`, 'Export')) return;
      try {
        const answer = await call('ExportTableToPointInTime', { TableArn: table.TableArn, S3Bucket: bucket.value, ExportTime: when });
        result.textContent = `Export started: ${answer.ExportDescription.ExportArn}`;
      } catch (e) { showError(e); }
    } }, el('div', { class: 'row' }, field('S3 bucket', bucket), el('button', { type: 'submit' }, 'Export'))),
    result);
}
