// The Items page: Scan or Query a table or one of its indexes, with a filter, page by page;
// view, add, edit (as DynamoDB JSON or plain JSON) and delete items. The server's errors are
// shown as it gave them.
import { call, listTableNames } from './api.js';
import { el, field, select, showError, confirmAction, preview } from './ui.js';
import { filterControls, RESERVED_PREFIX } from './filters.js';
import { PLAIN_JSON_RULES, exactNumbers, fromPlainText, plainText } from './plain_json.js';

// The editor's format, kept while the page is open: 'dynamodb' or 'plain'.
let editorFormat = 'dynamodb';

const SORT_CONDITIONS = [['', 'any'], ['=', '='], ['<', '<'], ['<=', '<='], ['>', '>'], ['>=', '>='],
                         ['begins_with', 'begins with'], ['between', 'between']];

// The key schema of the table or of one of its indexes, with each key's type.
function keysOf(table, indexName) {
  const types = Object.fromEntries(table.AttributeDefinitions.map((d) => [d.AttributeName, d.AttributeType]));
  const index = [...(table.GlobalSecondaryIndexes ?? []), ...(table.LocalSecondaryIndexes ?? [])]
    .find((i) => i.IndexName === indexName);
  const schema = (index ?? table).KeySchema;
  const key = (keyType) => {
    const k = schema.find((s) => s.KeyType === keyType);
    return k && { name: k.AttributeName, type: types[k.AttributeName] };
  };
  return { partition: key('HASH'), sort: key('RANGE') };
}

// A typed attribute value from what a person typed.
function typed(type, text) { return { [type]: text }; }

export async function render(main, tableName) {
  const names = await listTableNames();
  main.replaceChildren(el('h2', {}, 'Items'));
  if (names.length === 0) {
    main.append(el('p', {}, 'No tables yet: create one on the ', el('a', { href: '#/tables' }, 'Tables'), ' page.'));
    return;
  }
  if (!names.includes(tableName)) tableName = names[0];
  const tableChoice = select(names, { id: 'items-table', value: tableName });
  tableChoice.value = tableName;
  tableChoice.addEventListener('change', () => { location.hash = `#/items/${encodeURIComponent(tableChoice.value)}`; });
  const { Table: table } = await call('DescribeTable', { TableName: tableName });
  const tableKeys = keysOf(table);

  const indexChoice = select([['', `table ${tableName}`],
    ...(table.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, `GSI ${i.IndexName}`]),
    ...(table.LocalSecondaryIndexes ?? []).map((i) => [i.IndexName, `LSI ${i.IndexName}`])], { id: 'items-index' });
  const mode = select([['Query', 'Query'], ['Scan', 'Scan']], { id: 'items-mode' });
  const partitionValue = el('input', { id: 'items-partition-value', autocomplete: 'off' });
  const sortOp = select(SORT_CONDITIONS, { id: 'items-sort-op' });
  const sortValue = el('input', { id: 'items-sort-value', autocomplete: 'off' });
  const sortValue2 = el('input', { id: 'items-sort-value2', autocomplete: 'off' });
  const direction = select([['true', 'ascending'], ['false', 'descending']], { id: 'items-direction' });
  const pageSize = el('input', { id: 'items-page-size', type: 'number', min: 1, value: 25 });
  const partitionLabel = el('span', {});
  const sortLabel = el('span', {});
  const queryFields = el('div', {},
    el('div', { class: 'row' }, field(partitionLabel, partitionValue)),
    el('div', { class: 'row' }, field(sortLabel, sortOp), field('Sort key value', sortValue),
       field('Upper value (between)', sortValue2), field('Order', direction)));
  const filter = filterControls();
  const results = el('div', { id: 'items-results', 'aria-live': 'polite' });
  const editor = el('div', { id: 'item-editor' });
  let lastKey = null;
  let pageNumber = 0;
  let filtered = false;

  const updateFields = () => {
    const keys = keysOf(table, indexChoice.value);
    partitionLabel.textContent = `Partition key ${keys.partition.name} (${keys.partition.type}) =`;
    sortLabel.textContent = keys.sort ? `Sort key ${keys.sort.name} (${keys.sort.type})` : 'Sort key (none)';
    sortOp.disabled = sortValue.disabled = sortValue2.disabled = !keys.sort;
    queryFields.hidden = mode.value !== 'Query';
  };
  indexChoice.addEventListener('change', updateFields);
  mode.addEventListener('change', updateFields);

  const buildRequest = () => {
    const request = { TableName: tableName, Limit: Number(pageSize.value) || 25 };
    if (indexChoice.value) request.IndexName = indexChoice.value;
    if (mode.value === 'Query') {
      const keys = keysOf(table, indexChoice.value);
      // Placeholders of the console's own, apart from those a typed filter may use.
      const [p, s] = [`${RESERVED_PREFIX}p`, `${RESERVED_PREFIX}s`];
      const names = { [`#${p}`]: keys.partition.name };
      const values = { [`:${p}`]: typed(keys.partition.type, partitionValue.value) };
      let condition = `#${p} = :${p}`;
      if (keys.sort && sortOp.value) {
        names[`#${s}`] = keys.sort.name;
        values[`:${s}`] = typed(keys.sort.type, sortValue.value);
        if (sortOp.value === 'begins_with') condition += ` AND begins_with(#${s}, :${s})`;
        else if (sortOp.value === 'between') {
          values[`:${s}2`] = typed(keys.sort.type, sortValue2.value);
          condition += ` AND #${s} BETWEEN :${s} AND :${s}2`;
        } else condition += ` AND #${s} ${sortOp.value} :${s}`;
      }
      Object.assign(request, { KeyConditionExpression: condition, ExpressionAttributeNames: names,
                               ExpressionAttributeValues: values, ScanIndexForward: direction.value === 'true' });
    }
    filtered = filter.apply(request);
    return request;
  };

  const run = async (startKey) => {
    showError(null);
    try {
      const request = buildRequest();
      if (startKey) request.ExclusiveStartKey = startKey;
      const page = await call(mode.value, request);
      pageNumber = startKey ? pageNumber + 1 : 1;
      lastKey = page.LastEvaluatedKey ?? null;
      showResults(page.Items, page.ScannedCount);
    } catch (e) { showError(e); }
  };

  const keyOf = (item) => {
    const key = { [tableKeys.partition.name]: item[tableKeys.partition.name] };
    if (tableKeys.sort) key[tableKeys.sort.name] = item[tableKeys.sort.name];
    return key;
  };

  const showResults = (items, scanned) => {
    const keyNames = [tableKeys.partition.name, tableKeys.sort?.name].filter(Boolean);
    const others = [...new Set(items.flatMap((item) => Object.keys(item)))].filter((n) => !keyNames.includes(n)).sort();
    const columns = [...keyNames, ...others];
    results.replaceChildren(
      // A filtered page says how many items the server read for it: fewer match, maybe none.
      el('p', {}, `Page ${pageNumber}: ${items.length} item(s)${filtered ? ` of ${scanned} read` : ''}` +
                  `${lastKey ? '; more follow' : ''}.`),
      el('table', { id: 'items-table-results' },
         el('thead', {}, el('tr', {}, columns.map((c) => el('th', { scope: 'col' }, c)), el('th', { scope: 'col' }, 'Actions'))),
         el('tbody', {}, items.map((item) => {
           const label = keyNames.map((n) => preview(item[n])).join(' / ');
           return el('tr', {},
             columns.map((c) => el('td', {}, item[c] ? preview(item[c]) : '')),
             el('td', {},
                el('button', { type: 'button', 'aria-label': `Edit item ${label}`, onclick: () => openEditor(item) }, 'View / edit'), ' ',
                el('button', { type: 'button', class: 'danger', 'aria-label': `Delete item ${label}`, onclick: async () => {
                  if (!await confirmAction(`Delete the item ${label} from ${tableName}?`, 'Delete item')) return;
                  try {
                    await call('DeleteItem', { TableName: tableName, Key: keyOf(item) });
                    await run(null);
                  } catch (e) { showError(e); }
                } }, 'Delete')));
         }))),
      lastKey ? el('button', { type: 'button', id: 'items-next', onclick: () => run(lastKey) }, 'Next page') : '');
  };

  // The editor: the item as DynamoDB JSON or as plain JSON (plain_json.js says how types map),
  // saved with PutItem (a new item, or the whole item replaced). A changed key makes another
  // item; the old one stays, as with PutItem itself.
  const openEditor = (item) => {
    // The item as DynamoDB JSON before the edit: which values were sets and binary.
    let original = item ?? Object.fromEntries(
      [tableKeys.partition, tableKeys.sort].filter(Boolean).map((k) => [k.name, { [k.type]: '' }]));
    const text = el('textarea', { id: 'item-json', spellcheck: 'false' });
    const textLabel = el('span', {});
    const rules = el('p', { class: 'notice', id: 'plain-json-rules' }, PLAIN_JSON_RULES,
      exactNumbers ? '' : ' This browser cannot keep more than about 15 significant digits of a number.');
    const heading = el('h3', { id: 'editor-heading' });
    const formatChoice = (value, label) => el('label', {},
      el('input', { type: 'radio', name: 'item-format', value, checked: editorFormat === value }), ` ${label}`);
    const show = (format) => {
      editorFormat = format;
      const name = format === 'plain' ? 'plain JSON' : 'DynamoDB JSON';
      textLabel.textContent = `Item as ${name}`;
      heading.textContent = `${item ? 'Item' : 'New item'} (${name})`;
      rules.hidden = format !== 'plain';
    };
    // The text as a DynamoDB JSON item, whatever format it is in.
    const current = () => (editorFormat === 'plain' ? fromPlainText(text.value, original) : JSON.parse(text.value));
    const formats = el('fieldset', { class: 'row', id: 'item-format' }, el('legend', {}, 'Edit as'),
      formatChoice('dynamodb', 'DynamoDB JSON'), formatChoice('plain', 'plain JSON'));
    formats.addEventListener('change', (event) => {
      const to = event.target.value;
      showError(null);
      try {
        if (to === 'plain') {
          original = JSON.parse(text.value);
          text.value = plainText(original);
        } else {
          text.value = JSON.stringify(fromPlainText(text.value, original), null, 2);
        }
        show(to);
      } catch (e) {
        showError(`Cannot show the item as ${to === 'plain' ? 'plain JSON' : 'DynamoDB JSON'}: ${e.message}`);
        formats.querySelector(`input[value="${editorFormat}"]`).checked = true;
      }
    });
    text.value = editorFormat === 'plain' ? plainText(original) : JSON.stringify(original, null, 2);
    show(editorFormat);
    editor.replaceChildren(el('form', { 'aria-labelledby': 'editor-heading', onsubmit: async (event) => {
      event.preventDefault();
      showError(null);
      let parsed;
      try { parsed = current(); } catch (e) { showError(`Not ${editorFormat === 'plain' ? 'plain JSON' : 'DynamoDB JSON'}: ${e.message}`); return; }
      try {
        await call('PutItem', { TableName: tableName, Item: parsed });
        editor.replaceChildren(el('p', { class: 'notice', role: 'status' }, 'Item saved.',
          editorFormat === 'plain' ? el('details', {}, el('summary', {}, 'Sent as DynamoDB JSON'),
                                        el('pre', { id: 'item-sent' }, JSON.stringify(parsed, null, 2))) : ''));
        await run(null);
      } catch (e) { showError(e); }
    } },
      heading, formats, rules,
      field(textLabel, text),
      el('button', { type: 'submit', id: 'item-save' }, 'Save item'), ' ',
      el('button', { type: 'button', onclick: () => editor.replaceChildren() }, 'Close')));
    text.focus();
  };

  const form = el('form', { id: 'items-form', onsubmit: (event) => { event.preventDefault(); run(null); } },
    el('div', { class: 'row' }, field('Table', tableChoice), field('Index', indexChoice), field('Operation', mode),
       field('Page size', pageSize)),
    queryFields,
    filter.node,
    el('p', {}, el('button', { type: 'submit', id: 'items-run' }, 'Run'), ' ',
       el('button', { type: 'button', id: 'item-add', onclick: () => openEditor(null) }, 'Add item')));
  mode.value = 'Scan';
  updateFields();
  main.append(form, editor, results);
  await run(null);  // a read: the first page of a Scan
}
