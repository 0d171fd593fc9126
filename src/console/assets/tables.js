// The Tables page: every table with its figures, a form to create one, a form to turn a table's
// stream and Time to Live on or off, and deletion after a confirmation. Loading the page only
// reads (ListTables, DescribeTable, DescribeContinuousBackups, DescribeTimeToLive).
import { call, listTableNames } from './api.js';
import { el, field, select, showError, confirmAction, formatBytes, formatTime, keySchemaText } from './ui.js';

const KEY_TYPES = [['S', 'String (S)'], ['N', 'Number (N)'], ['B', 'Binary (B)']];

async function describe(name) {
  const [{ Table }, backups, ttl] = await Promise.all([
    call('DescribeTable', { TableName: name }),
    call('DescribeContinuousBackups', { TableName: name }).catch(() => null),
    call('DescribeTimeToLive', { TableName: name }).catch(() => null),
  ]);
  const pitr = backups?.ContinuousBackupsDescription?.PointInTimeRecoveryDescription;
  return { table: Table, pitr, ttl: ttl?.TimeToLiveDescription };
}

// DescribeTable's StreamSpecification: absent or StreamEnabled false means no stream.
function streamText(table) {
  const spec = table.StreamSpecification;
  if (!spec || !spec.StreamEnabled) return 'disabled';
  return [el('div', {}, `enabled: ${spec.StreamViewType}`),
          table.LatestStreamLabel ? el('div', { class: 'mono' }, `label ${table.LatestStreamLabel}`) : null];
}

// DescribeTimeToLive: the status (ENABLED, DISABLED, ENABLING, DISABLING) and the attribute.
function ttlText(ttl) {
  if (!ttl) return 'unknown';
  const status = ttl.TimeToLiveStatus ?? 'DISABLED';
  if (status === 'DISABLED') return 'disabled';
  return `${status.toLowerCase()}: attribute ${ttl.AttributeName}`;
}

function indexText(table) {
  const lines = [];
  for (const g of table.GlobalSecondaryIndexes ?? []) lines.push(`GSI ${g.IndexName}: ${keySchemaText(g.KeySchema, table.AttributeDefinitions)}`);
  for (const l of table.LocalSecondaryIndexes ?? []) lines.push(`LSI ${l.IndexName}: ${keySchemaText(l.KeySchema, table.AttributeDefinitions)}`);
  return lines.length ? lines.map((line) => el('div', {}, line)) : 'none';
}

function pitrText(pitr) {
  if (!pitr) return 'unknown';
  if (pitr.PointInTimeRecoveryStatus !== 'ENABLED') return 'disabled';
  return [el('div', {}, 'enabled'),
          el('div', { class: 'mono' }, `${formatTime(pitr.EarliestRestorableDateTime)} to ${formatTime(pitr.LatestRestorableDateTime)}`)];
}

export async function render(main, refresh) {
  main.replaceChildren(el('h2', {}, 'Tables'), el('p', {}, 'Loading…'));
  const names = await listTableNames();
  const described = await Promise.all(names.map(describe));
  const rows = described.map(({ table, pitr, ttl }) => el('tr', {},
    el('th', { scope: 'row' }, table.TableName),
    el('td', {}, table.TableStatus),
    el('td', {}, table.ItemCount ?? 0),
    el('td', {}, formatBytes(table.TableSizeBytes ?? 0)),
    el('td', {}, keySchemaText(table.KeySchema, table.AttributeDefinitions)),
    el('td', {}, indexText(table)),
    el('td', {}, table.BillingModeSummary?.BillingMode ?? 'PROVISIONED'),
    el('td', {}, pitrText(pitr)),
    el('td', {}, streamText(table)),
    el('td', {}, ttlText(ttl)),
    el('td', {},
       el('a', { href: `#/items/${encodeURIComponent(table.TableName)}` }, 'Items'), ' ',
       el('a', { href: `#/time/${encodeURIComponent(table.TableName)}` }, 'Time'), ' ',
       el('button', { class: 'danger', 'aria-label': `Delete table ${table.TableName}`, onclick: async () => {
         if (!await confirmAction(`Delete the table ${table.TableName} and all its items?`, 'Delete table')) return;
         try {
           await call('DeleteTable', { TableName: table.TableName });
           await refresh();
         } catch (e) { showError(e); }
       } }, 'Delete'))));
  main.replaceChildren(
    el('h2', {}, 'Tables'),
    names.length === 0 ? el('p', {}, 'No tables yet.') :
      el('table', { id: 'tables' },
         el('caption', {}, `${names.length} table(s)`),
         el('thead', {}, el('tr', {}, ['Name', 'Status', 'Items', 'Size', 'Key schema', 'Indexes', 'Billing', 'Point-in-time recovery', 'Stream', 'Time to live', 'Actions'].map((h) => el('th', { scope: 'col' }, h)))),
         el('tbody', {}, rows)),
    el('p', { class: 'notice' }, 'Item counts and sizes are those DescribeTable reports.'),
    names.length === 0 ? null : streamAndTtlForm(described, refresh),
    createForm(refresh));
}

// Turns a table's stream (UpdateTable StreamSpecification) and Time to Live (UpdateTimeToLive)
// on or off; the server's refusals (a stream already enabled, TTL changed twice within an hour)
// are shown as they are. Turning either off asks first: consumers lose the stream (its records
// stay readable for 24 hours) and expired items stop being deleted.
function streamAndTtlForm(described, refresh) {
  const byName = new Map(described.map((d) => [d.table.TableName, d]));
  const table = select([...byName.keys()], { id: 'settings-table' });
  const viewType = select(['NEW_AND_OLD_IMAGES', 'NEW_IMAGE', 'OLD_IMAGE', 'KEYS_ONLY'], { id: 'stream-view-type' });
  const ttlAttribute = el('input', { id: 'ttl-attribute', autocomplete: 'off', placeholder: 'expires_at' });
  const run = async (operation, request, confirmText) => {
    showError(null);
    if (confirmText && !await confirmAction(confirmText, 'Turn off')) return;
    try {
      await call(operation, request);
      await refresh();
    } catch (e) { showError(e); }
  };
  const prefillTtl = () => {
    const ttl = byName.get(table.value)?.ttl;
    ttlAttribute.value = ttl?.AttributeName ?? '';
  };
  table.addEventListener('change', prefillTtl);
  prefillTtl();
  return el('form', { id: 'stream-ttl', 'aria-labelledby': 'stream-ttl-heading', onsubmit: (e) => e.preventDefault() },
    el('h2', { id: 'stream-ttl-heading' }, 'Stream and time to live'),
    el('div', { class: 'row' }, field('Table', table)),
    el('div', { class: 'row' }, field('Stream view type', viewType),
       el('button', { type: 'button', id: 'stream-enable', onclick: () => run('UpdateTable', {
         TableName: table.value, StreamSpecification: { StreamEnabled: true, StreamViewType: viewType.value } }) },
          'Turn stream on'),
       el('button', { type: 'button', id: 'stream-disable', onclick: () => run('UpdateTable', {
         TableName: table.value, StreamSpecification: { StreamEnabled: false } },
         `Turn off the stream of ${table.value}? Its records stay readable for 24 hours; no new ones are written.`) },
          'Turn stream off')),
    el('div', { class: 'row' }, field('Time-to-live attribute', ttlAttribute),
       el('button', { type: 'button', id: 'ttl-enable', onclick: () => run('UpdateTimeToLive', {
         TableName: table.value, TimeToLiveSpecification: { Enabled: true, AttributeName: ttlAttribute.value.trim() } }) },
          'Turn time to live on'),
       el('button', { type: 'button', id: 'ttl-disable', onclick: () => run('UpdateTimeToLive', {
         TableName: table.value, TimeToLiveSpecification: { Enabled: false, AttributeName: ttlAttribute.value.trim() } },
         `Turn off time to live on ${table.value}? Expired items are no longer deleted.`) },
          'Turn time to live off')),
    el('p', { class: 'notice' }, 'DynamoDB allows one change of a table\'s time-to-live setting per hour.'));
}

function keyInputs(prefix, legend, optional) {
  const name = el('input', { name: `${prefix}-name`, required: optional ? undefined : true, autocomplete: 'off' });
  const type = select(KEY_TYPES, { name: `${prefix}-type` });
  return {
    node: el('div', { class: 'row' }, field(`${legend} name`, name), field(`${legend} type`, type)),
    value: () => (name.value.trim() ? { name: name.value.trim(), type: type.value } : null),
  };
}

function indexRow(kind, onRemove) {
  const indexName = el('input', { required: true, autocomplete: 'off' });
  const partition = kind === 'GSI' ? keyInputs(`${kind}-pk`, 'Index partition key', false) : null;
  const sort = keyInputs(`${kind}-sk`, 'Index sort key', kind === 'GSI');
  const projection = select(['ALL', 'KEYS_ONLY'], {});
  const node = el('fieldset', { class: `index-${kind}` },
    el('legend', {}, kind === 'GSI' ? 'Global secondary index' : 'Local secondary index'),
    el('div', { class: 'row' }, field('Index name', indexName), field('Projection', projection)),
    partition?.node, sort.node,
    el('button', { type: 'button', onclick: () => { node.remove(); onRemove(); } }, 'Remove index'));
  return { node, value: () => ({ kind, name: indexName.value.trim(), partition: partition?.value(), sort: sort.value(), projection: projection.value }) };
}

function createForm(refresh) {
  const tableName = el('input', { id: 'create-table-name', required: true, autocomplete: 'off' });
  const partition = keyInputs('pk', 'Partition key', false);
  const sort = keyInputs('sk', 'Sort key (optional)', true);
  const billing = select([['PAY_PER_REQUEST', 'On demand (PAY_PER_REQUEST)'], ['PROVISIONED', 'Provisioned']], { id: 'billing-mode' });
  const rcu = el('input', { type: 'number', min: 1, value: 5 });
  const wcu = el('input', { type: 'number', min: 1, value: 5 });
  const capacity = el('div', { class: 'row', hidden: true }, field('Read capacity units', rcu), field('Write capacity units', wcu));
  billing.addEventListener('change', () => { capacity.hidden = billing.value !== 'PROVISIONED'; });
  let indexes = [];
  const indexList = el('div', {});
  const addIndex = (kind) => {
    const row = indexRow(kind, () => { indexes = indexes.filter((r) => r !== row); });
    indexes.push(row);
    indexList.append(row.node);
    row.node.querySelector('input').focus();
  };
  const form = el('form', { id: 'create-table', 'aria-labelledby': 'create-heading' },
    el('h2', { id: 'create-heading' }, 'Create a table'),
    el('div', { class: 'row' }, field('Table name', tableName)),
    partition.node, sort.node,
    el('div', { class: 'row' }, field('Billing mode', billing)), capacity,
    indexList,
    el('div', { class: 'row' },
       el('button', { type: 'button', onclick: () => addIndex('GSI') }, 'Add global secondary index'),
       el('button', { type: 'button', onclick: () => addIndex('LSI') }, 'Add local secondary index')),
    el('p', {}, el('button', { type: 'submit' }, 'Create table')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showError(null);
    const definitions = new Map();
    const key = (k, keyType) => { definitions.set(k.name, k.type); return { AttributeName: k.name, KeyType: keyType }; };
    const pk = partition.value();
    const sk = sort.value();
    const request = { TableName: tableName.value.trim(), KeySchema: [key(pk, 'HASH')], BillingMode: billing.value };
    if (sk) request.KeySchema.push(key(sk, 'RANGE'));
    const projection = (p) => ({ ProjectionType: p });
    const throughput = { ReadCapacityUnits: Number(rcu.value), WriteCapacityUnits: Number(wcu.value) };
    if (billing.value === 'PROVISIONED') request.ProvisionedThroughput = throughput;
    for (const row of indexes.map((r) => r.value())) {
      if (row.kind === 'GSI') {
        const schema = [key(row.partition, 'HASH')];
        if (row.sort) schema.push(key(row.sort, 'RANGE'));
        const gsi = { IndexName: row.name, KeySchema: schema, Projection: projection(row.projection) };
        if (billing.value === 'PROVISIONED') gsi.ProvisionedThroughput = throughput;
        (request.GlobalSecondaryIndexes ??= []).push(gsi);
      } else {
        (request.LocalSecondaryIndexes ??= []).push({ IndexName: row.name, KeySchema: [key(pk, 'HASH'), key(row.sort, 'RANGE')], Projection: projection(row.projection) });
      }
    }
    request.AttributeDefinitions = [...definitions].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType }));
    try {
      await call('CreateTable', request);
      await refresh();
    } catch (e) { showError(e); }
  });
  return form;
}
