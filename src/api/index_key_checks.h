#pragma once
// Refusing writes whose item has an invalid index key attribute (wrong type, empty S/B, too
// long), with DynamoDB's messages (the shared spec's indexes.md §3.2-§3.3; the texts are
// model::IndexKeyOfItem's). Storage leaves such an item out of the index; refusing the write
// is the API's job, before anything is staged.

#include "model/attribute_value.h"
#include "storage/table_meta.h"

namespace tideline::api {

// PutItem, BatchWriteItem and TransactWriteItems Put, and UpdateItem creating an item: every
// index's key attributes present in `item` must be valid. When several indexes fail, the one
// with the alphabetically first name is reported (as AWS does, per Dynoxide's captures).
void CheckIndexKeys(const storage::TableMeta& table, const model::Item& item);

// The index key attributes of an item (those it has): what CheckUpdatedIndexKeys compares.
model::Item IndexKeyValues(const storage::TableMeta& table, const model::Item& item);

// UpdateItem of an existing item (`old_keys`: IndexKeyValues of it before the update): only the
// indexes whose key attributes the update changed are checked (an item stored with an invalid value
// before its index existed can still take other updates), and an empty value gets the update
// expression's message.
void CheckUpdatedIndexKeys(const storage::TableMeta& table, const model::Item& old_keys,
                           const model::Item& new_item);

// The 400 KB item size limit of a table with local secondary indexes covers the item plus its
// entries in every LSI (DynamoDB's service quota "Item size for tables with Local Secondary
// Indexes"). True when `item` (of size `item_size`) and its LSI entries exceed it. An entry counts
// the size of its projected attributes, as the item's own size is counted; whether AWS adds the
// 100 bytes of overhead its storage figures use is not documented, so none is added.
bool ExceedsItemSizeWithLocalIndexes(const storage::TableMeta& table, const model::Item& item,
                                     size_t item_size);

}  // namespace tideline::api
