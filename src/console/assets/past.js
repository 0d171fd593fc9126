// The Time page's look at the past, read-only: the table as it was at a moment (ScanAsOf, page by
// page) and one item compared between two moments (GetItemAsOf twice). Both are the server's
// console operations (api/console_operations.h), which read through storage's as-of read and
// never write; DynamoDB's API has no such read.
import { call, consoleCall } from './api.js';
import { el, field, showError, formatTime, preview } from './ui.js';

// The table's key attributes with their types.
function tableKeys(table) {
  const types = Object.fromEntries(table.AttributeDefinitions.map((d) => [d.AttributeName, d.AttributeType]));
  const key = (keyType) => {
    const k = table.KeySchema.find((s) => s.KeyType === keyType);
    return k && { name: k.AttributeName, type: types[k.AttributeName] };
  };
  return [key('HASH'), key('RANGE')].filter(Boolean);
}

// One attribute value as comparable text: map members and set elements in a fixed order.
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => {
      const v = ['SS', 'NS', 'BS'].includes(k) ? [...value[k]].sort() : value[k];
      return `${JSON.stringify(k)}:${canonical(v)}`;
    }).join(',')}}`;
  }
  return JSON.stringify(value);
}

// Each attribute of two versions of an item (either may be absent), with what happened to it.
export function diffItems(before, after) {
  const names = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].sort();
  return names.map((name) => {
    const a = before?.[name];
    const b = after?.[name];
    let change = 'same';
    if (!a) change = 'added';
    else if (!b) change = 'removed';
    else if (canonical(a) !== canonical(b)) change = 'changed';
    return { name, before: a, after: b, change };
  });
}

// `pickMoment()`: the page's chosen moment in epoch seconds; `window`: {earliest, latest}.
export function pastSection(table, pickMoment, window, localValue, toSeconds) {
  const keys = tableKeys(table);
  const keyNames = keys.map((k) => k.name);
  const results = el('div', { id: 'past-results', 'aria-live': 'polite' });
  const pageSize = el('input', { id: 'past-page-size', type: 'number', min: 1, value: 25 });
  let lastKey = null;
  let pageNumber = 0;
  let shownAt = null;

  const keyInputs = keys.map((k) => el('input', { autocomplete: 'off', class: 'diff-key' }));
  const momentA = el('input', { type: 'datetime-local', step: 1, id: 'diff-moment-a',
                                min: localValue(window.earliest), max: localValue(window.latest) });
  const momentB = el('input', { type: 'datetime-local', step: 1, id: 'diff-moment-b',
                                min: localValue(window.earliest), max: localValue(window.latest) });
  momentA.value = localValue(Math.ceil(window.earliest));
  // Empty: the latest moment, asked for when comparing (the picker has whole seconds only, so
  // a picked "now" would miss the last second's writes).
  const latestNow = async () => (await call('DescribeContinuousBackups', { TableName: table.TableName }))
    .ContinuousBackupsDescription.PointInTimeRecoveryDescription.LatestRestorableDateTime;
  const diffResult = el('div', { id: 'diff-result', 'aria-live': 'polite' });

  const showPage = async (startKey) => {
    showError(null);
    const asOf = startKey ? shownAt : pickMoment();
    const request = { TableName: table.TableName, AsOf: asOf, Limit: Number(pageSize.value) || 25 };
    if (startKey) request.ExclusiveStartKey = startKey;
    try {
      const page = await consoleCall('ScanAsOf', request);
      shownAt = asOf;
      pageNumber = startKey ? pageNumber + 1 : 1;
      lastKey = page.LastEvaluatedKey ?? null;
      const items = page.Items;
      const others = [...new Set(items.flatMap((item) => Object.keys(item)))].filter((n) => !keyNames.includes(n)).sort();
      const columns = [...keyNames, ...others];
      results.replaceChildren(
        el('p', { id: 'past-summary' }, `Read-only: ${table.TableName} as it was at ${formatTime(asOf)}. ` +
           `Page ${pageNumber}: ${items.length} item(s)${lastKey ? '; more follow' : ''}.`),
        el('table', { id: 'past-items' },
           el('thead', {}, el('tr', {}, columns.map((c) => el('th', { scope: 'col' }, c)), el('th', { scope: 'col' }, 'Compare'))),
           el('tbody', {}, items.map((item) => {
             const label = keyNames.map((n) => preview(item[n])).join(' / ');
             return el('tr', {}, columns.map((c) => el('td', {}, item[c] ? preview(item[c]) : '')),
               el('td', {}, el('button', { type: 'button', 'aria-label': `Compare item ${label} with the latest moment`, onclick: () => {
                 keys.forEach((k, i) => { keyInputs[i].value = Object.values(item[k.name])[0]; });
                 momentA.value = localValue(asOf);
                 momentB.value = '';
                 compare();
               } }, 'Compare with latest')));
           }))),
        lastKey ? el('button', { type: 'button', id: 'past-next', onclick: () => showPage(lastKey) }, 'Next page') : '');
    } catch (e) { showError(e); }
  };

  const compare = async () => {
    showError(null);
    const key = Object.fromEntries(keys.map((k, i) => [k.name, { [k.type]: keyInputs[i].value }]));
    try {
      const a = toSeconds(momentA.value);
      const b = momentB.value ? toSeconds(momentB.value) : await latestNow();
      const [before, after] = await Promise.all([
        consoleCall('GetItemAsOf', { TableName: table.TableName, Key: key, AsOf: a }),
        consoleCall('GetItemAsOf', { TableName: table.TableName, Key: key, AsOf: b })]);
      const rows = diffItems(before.Item, after.Item);
      const summary = !before.Item && !after.Item ? 'The item existed at neither moment.'
        : !before.Item ? 'The item did not exist at the first moment.'
        : !after.Item ? 'The item did not exist at the second moment.'
        : rows.every((r) => r.change === 'same') ? 'The item did not change.'
        : `${rows.filter((r) => r.change !== 'same').length} attribute(s) differ.`;
      diffResult.replaceChildren(
        el('p', { id: 'diff-summary' }, summary),
        rows.length ? el('table', { id: 'diff-table' },
          el('caption', {}, `${formatTime(a)} → ${formatTime(b)}`),
          el('thead', {}, el('tr', {}, ['Attribute', 'First moment', 'Second moment', 'Change'].map((h) => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, rows.map((r) => el('tr', { class: `diff-${r.change}` },
            el('th', { scope: 'row' }, r.name),
            el('td', {}, r.before ? preview(r.before) : '—'),
            el('td', {}, r.after ? preview(r.after) : '—'),
            el('td', {}, r.change))))) : '');
    } catch (e) { showError(e); }
  };

  return el('section', { 'aria-labelledby': 'past-heading' },
    el('h3', { id: 'past-heading' }, 'The table as it was (read-only)'),
    el('form', { onsubmit: (event) => { event.preventDefault(); showPage(null); } },
       el('div', { class: 'row' }, field('Page size', pageSize),
          el('button', { type: 'submit', id: 'past-show' }, 'Show the table at this moment'))),
    results,
    el('h3', { id: 'diff-heading' }, 'Compare an item between two moments'),
    el('form', { 'aria-labelledby': 'diff-heading', onsubmit: (event) => { event.preventDefault(); compare(); } },
       el('div', { class: 'row' }, keys.map((k, i) => field(`${k.name} (${k.type})`, keyInputs[i]))),
       el('div', { class: 'row' }, field('First moment', momentA), field('Second moment (empty: the latest)', momentB),
          el('button', { type: 'submit', id: 'diff-run' }, 'Compare'))),
    diffResult);
}
