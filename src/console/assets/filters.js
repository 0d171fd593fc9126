// The filter of a Scan or Query on the Items page: conditions built from an attribute, an
// operator and a value, and/or a FilterExpression typed as DynamoDB takes it (with its
// ExpressionAttributeNames and ExpressionAttributeValues). All of them must hold (AND). The
// server evaluates the filter after reading each page, so a page may hold fewer items than its
// limit, even none, and still have more after it.
import { el, field, select } from './ui.js';

const OPERATORS = [['=', '='], ['<>', '≠'], ['<', '<'], ['<=', '<='], ['>', '>'], ['>=', '>='],
                   ['begins_with', 'begins with'], ['contains', 'contains'],
                   ['attribute_exists', 'exists'], ['attribute_not_exists', 'does not exist']];
const NO_VALUE = new Set(['attribute_exists', 'attribute_not_exists']);
const VALUE_TYPES = [['S', 'String (S)'], ['N', 'Number (N)'], ['BOOL', 'Boolean (BOOL)']];

// Names the console's own placeholders start with, kept apart from what a person types.
export const RESERVED_PREFIX = 'console_';

function conditionRow(number, onRemove) {
  const attribute = el('input', { autocomplete: 'off', class: 'filter-attribute' });
  const operator = select(OPERATORS, { class: 'filter-operator' });
  const type = select(VALUE_TYPES, { class: 'filter-type' });
  const value = el('input', { autocomplete: 'off', class: 'filter-value' });
  const node = el('div', { class: 'row filter-condition' },
    field(`Condition ${number} attribute`, attribute), field(`Condition ${number} operator`, operator),
    field(`Condition ${number} type`, type), field(`Condition ${number} value`, value),
    el('button', { type: 'button', 'aria-label': `Remove condition ${number}`, onclick: () => { node.remove(); onRemove(); } }, 'Remove'));
  const update = () => { type.disabled = value.disabled = NO_VALUE.has(operator.value); };
  operator.addEventListener('change', update);
  return {
    node,
    // The condition's expression with its placeholders added to names and values.
    build(names, values, i) {
      const name = attribute.value.trim();
      if (!name) throw new Error(`Condition ${number}: name an attribute`);
      const n = `#${RESERVED_PREFIX}f${i}`;
      const v = `:${RESERVED_PREFIX}f${i}`;
      names[n] = name;
      if (NO_VALUE.has(operator.value)) return `${operator.value}(${n})`;
      if (type.value === 'BOOL') {
        if (value.value !== 'true' && value.value !== 'false') throw new Error(`Condition ${number}: a Boolean is true or false`);
        values[v] = { BOOL: value.value === 'true' };
      } else {
        values[v] = { [type.value]: value.value };
      }
      if (operator.value === 'begins_with' || operator.value === 'contains') return `${operator.value}(${n}, ${v})`;
      return `${n} ${operator.value} ${v}`;
    },
  };
}

function parseObject(text, what) {
  if (!text.trim()) return {};
  let parsed;
  try { parsed = JSON.parse(text); } catch (e) { throw new Error(`${what} is not JSON: ${e.message}`); }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${what} is a JSON object`);
  return parsed;
}

export function filterControls() {
  let rows = [];
  let added = 0;
  const list = el('div', { id: 'filter-conditions' });
  const expression = el('input', { id: 'filter-expression', autocomplete: 'off', size: 40 });
  const names = el('input', { id: 'filter-names', autocomplete: 'off', size: 30, placeholder: '{"#s": "status"}' });
  const values = el('input', { id: 'filter-values', autocomplete: 'off', size: 30, placeholder: '{":v": {"S": "open"}}' });
  const node = el('fieldset', { id: 'items-filter' },
    el('legend', {}, 'Filter (all must hold)'),
    list,
    el('button', { type: 'button', id: 'filter-add', onclick: () => {
      const row = conditionRow(++added, () => { rows = rows.filter((r) => r !== row); });
      rows.push(row);
      list.append(row.node);
      row.node.querySelector('input').focus();
    } }, 'Add condition'),
    el('div', { class: 'row' }, field('FilterExpression', expression),
       field('ExpressionAttributeNames (JSON)', names), field('ExpressionAttributeValues (DynamoDB JSON)', values)));
  return {
    node,
    // Adds the filter to `request` (whose own names and values stay), or nothing when there is
    // none; whether there is one. Throws an Error for what the console can tell is incomplete.
    apply(request) {
      const allNames = {};
      const allValues = {};
      const parts = rows.map((row, i) => row.build(allNames, allValues, i));
      const typed = expression.value.trim();
      if (typed) {
        const typedNames = parseObject(names.value, 'ExpressionAttributeNames');
        const typedValues = parseObject(values.value, 'ExpressionAttributeValues');
        for (const key of [...Object.keys(typedNames), ...Object.keys(typedValues)]) {
          if (key.slice(1).startsWith(RESERVED_PREFIX)) throw new Error(`${key}: names starting ${RESERVED_PREFIX} are the console's own`);
        }
        Object.assign(allNames, typedNames);
        Object.assign(allValues, typedValues);
        parts.unshift(rows.length ? `(${typed})` : typed);
      } else if (names.value.trim() || values.value.trim()) {
        throw new Error('ExpressionAttributeNames and ExpressionAttributeValues go with a FilterExpression');
      }
      if (parts.length === 0) return false;
      request.FilterExpression = parts.join(' AND ');
      if (Object.keys(allNames).length) request.ExpressionAttributeNames = { ...request.ExpressionAttributeNames, ...allNames };
      if (Object.keys(allValues).length) request.ExpressionAttributeValues = { ...request.ExpressionAttributeValues, ...allValues };
      return true;
    },
  };
}
