# Admin lists, confirmations and human labels (issue 12).

list-search-label = Chercher dans la liste
list-search = Chercher
list-sort = Trier par
list-apply = Appliquer
list-clear = Tout afficher
list-any-status = Tous
list-matching = { $count ->
    [0] Aucun élément ne correspond.
    [one] { $count } élément
   *[other] { $count } éléments
}
list-sort-name = Nom (A → Z)
list-sort-updated = Dernière modification
list-sort-category = Catégorie
list-sort-place = Commune
list-sort-kind = Type
list-pick = Choisir { $name }

bulk-ticked = Pour les éléments cochés :
bulk-publish = Publier
bulk-unpublish = Dépublier
bulk-delete = Supprimer
bulk-publish-count = { $count ->
    [one] Publier cet élément
   *[other] Publier ces { $count } éléments
}
bulk-unpublish-count = { $count ->
    [one] Dépublier cet élément
   *[other] Dépublier ces { $count } éléments
}
bulk-delete-count = { $count ->
    [one] Supprimer cet élément
   *[other] Supprimer ces { $count } éléments
}
confirm-bulk-publish = { $count ->
    [one] Publier cet élément ?
   *[other] Publier ces { $count } éléments ?
}
confirm-bulk-unpublish = { $count ->
    [one] Dépublier cet élément ? Il ne sera plus visible des visiteurs ni du réseau.
   *[other] Dépublier ces { $count } éléments ? Ils ne seront plus visibles des visiteurs ni du réseau.
}
confirm-bulk-delete = { $count ->
    [one] Supprimer cet élément ?
   *[other] Supprimer ces { $count } éléments ?
}
confirm-delete = Supprimer « { $name } » ?
confirm-cannot-undo = La suppression est définitive ; les centres qui vous suivent sont prévenus.
confirm-cancel = Annuler, revenir à la liste

done-bulk-none = Rien n’a été fait : cochez au moins un élément, puis choisissez une action.
done-bulk-publish = Éléments publiés.
done-bulk-unpublish = Éléments dépubliés.
done-bulk-delete = Éléments supprimés.

# A licence by name (SPDX underneath) and what it means for a visitor.
licence-or-later = { $name } ou ultérieure
licence-and = { $first } et { $last }
licence-or = { $first } ou { $last }, au choix
licence-more = { $count ->
    [one] { $count } autre
   *[other] { $count } autres
}
licence-libre-copyleft = Libre, copyleft : chacun peut l’utiliser, l’étudier, le modifier et le partager, et les versions modifiées restent libres.
licence-libre-permissive = Libre, permissive : chacun peut l’utiliser, l’étudier, le modifier et le partager, même dans un logiciel qui ne l’est pas.
licence-not-libre = Licence que ni la FSF ni l’OSI ne reconnaissent comme libre.
licence-spdx = Identifiant SPDX

# The recommendation form: software from the catalogue, licences and regions by name.
software-picked = Site, dépôt et licence remplis depuis le catalogue : vérifiez-les.
hint-software-name = Commencez à taper : un logiciel du catalogue remplit son site, son dépôt et sa licence si vous les laissez vides.
region-none = Partout
