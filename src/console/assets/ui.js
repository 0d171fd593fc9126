// Small DOM helpers shared by the pages.
let nextId = 0;

// el('button', {onclick, class: 'danger'}, 'Delete'): an element with attributes (on* are
// listeners) and children (strings become text, never HTML).
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'value') node.value = value;
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

// A labelled control: <label for=id>text</label> beside the control.
export function field(labelText, control) {
  if (!control.id) control.id = `field-${++nextId}`;
  return el('label', { for: control.id }, labelText, control);
}

export function select(options, attributes = {}) {
  return el('select', attributes,
            options.map((o) => (Array.isArray(o) ? el('option', { value: o[0] }, o[1]) : el('option', { value: o }, o))));
}

export function showError(error) {
  const box = document.getElementById('error');
  if (!error) {
    box.hidden = true;
    box.textContent = '';
    return;
  }
  box.hidden = false;
  box.textContent = String(error);
}

// Asks before anything destructive; resolves true only on an explicit "Confirm".
export function confirmAction(message, confirmLabel = 'Confirm') {
  const dialog = document.getElementById('confirm-dialog');
  document.getElementById('confirm-text').textContent = message;
  document.getElementById('confirm-ok').textContent = confirmLabel;
  dialog.returnValue = '';
  dialog.showModal();
  document.getElementById('confirm-cancel').focus();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
  });
}

export function formatBytes(n) {
  if (n === undefined) return '';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${i ? n.toFixed(1) : n} ${units[i]}`;
}

export function formatTime(seconds) {
  return seconds === undefined ? '' : new Date(seconds * 1000).toISOString();
}

export function keySchemaText(keySchema, definitions = []) {
  const types = Object.fromEntries(definitions.map((d) => [d.AttributeName, d.AttributeType]));
  return keySchema.map((k) => `${k.AttributeName} (${types[k.AttributeName] ?? '?'}, ${k.KeyType === 'HASH' ? 'partition' : 'sort'})`).join(', ');
}

// A short text for one attribute value (DynamoDB JSON) in a table of items.
export function preview(value) {
  const [type, v] = Object.entries(value)[0];
  if (type === 'S' || type === 'N') return v;
  if (type === 'BOOL') return String(v);
  if (type === 'NULL') return 'null';
  return `${type} ${JSON.stringify(v)}`;
}
