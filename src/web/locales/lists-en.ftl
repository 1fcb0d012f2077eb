# Admin lists, confirmations and human labels (issue 12).

list-search-label = Search the list
list-search = Search
list-sort = Sort by
list-apply = Apply
list-clear = Show all
list-any-status = All
list-matching = { $count ->
    [0] Nothing matches.
    [one] { $count } item
   *[other] { $count } items
}
list-sort-name = Name (A → Z)
list-sort-updated = Last changed
list-sort-category = Category
list-sort-place = Town
list-sort-kind = Kind
list-pick = Select { $name }

bulk-ticked = With the ticked items:
bulk-publish = Publish
bulk-unpublish = Unpublish
bulk-delete = Delete
bulk-publish-count = { $count ->
    [one] Publish this item
   *[other] Publish these { $count } items
}
bulk-unpublish-count = { $count ->
    [one] Unpublish this item
   *[other] Unpublish these { $count } items
}
bulk-delete-count = { $count ->
    [one] Delete this item
   *[other] Delete these { $count } items
}
confirm-bulk-publish = { $count ->
    [one] Publish this item?
   *[other] Publish these { $count } items?
}
confirm-bulk-unpublish = { $count ->
    [one] Unpublish this item? Visitors and the network will no longer see it.
   *[other] Unpublish these { $count } items? Visitors and the network will no longer see them.
}
confirm-bulk-delete = { $count ->
    [one] Delete this item?
   *[other] Delete these { $count } items?
}
confirm-delete = Delete “{ $name }”?
confirm-cannot-undo = Deleting cannot be undone; the centres that follow you are told.
confirm-cancel = Cancel, back to the list

done-bulk-none = Nothing was done: tick at least one item, then choose an action.
done-bulk-publish = Items published.
done-bulk-unpublish = Items unpublished.
done-bulk-delete = Items deleted.

# A licence by name (SPDX underneath) and what it means for a visitor.
licence-or-later = { $name } or later
licence-and = { $first } and { $last }
licence-or = { $first } or { $last }, as you choose
licence-more = { $count ->
    [one] { $count } other
   *[other] { $count } others
}
licence-libre-copyleft = Libre, copyleft: anyone may use, study, change and share it, and changed versions stay free.
licence-libre-permissive = Libre, permissive: anyone may use, study, change and share it, even inside software that is not free.
licence-not-libre = A licence neither the FSF nor the OSI recognise as free.
licence-spdx = SPDX identifier

# The recommendation form: software from the catalogue, licences and regions by name.
software-picked = Website, repository and licence filled in from the catalogue: check them.
hint-software-name = Start typing: software from the catalogue fills its website, repository and licence if you leave them blank.
region-none = Everywhere
