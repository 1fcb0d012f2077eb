# Interface en français (langue par défaut). Chaque clé existe aussi dans en.ftl (un test le vérifie).

skip-to-content = Aller au contenu
nav-label = Navigation principale
nav-home = Accueil
nav-search = Rechercher
nav-centres = Centres
nav-admin = Administration
nav-login = Connexion
nav-logout = Se déconnecter ({ $name })
language-label = Langue
footer-about = Maillage, l’annuaire fédéré des alternatives libres et des médiateurs numériques (logiciel libre, AGPL)
footer-api = API ouverte
footer-follow = Suivre un centre depuis Mastodon
back-home = Retour à l’accueil

home-title = Trouver une alternative libre
home-heading = Quel outil voulez-vous remplacer ?
home-lead = Les centres de médiation numérique recommandent des logiciels libres, expliquent pourquoi, indiquent qui les héberge et qui peut vous accompagner.
home-shortcuts = Vous utilisez aujourd’hui…
home-categories = Par besoin
home-empty = L’annuaire est encore vide.
home-empty-staff = Vous animez cet annuaire ? Trois façons de le remplir :
home-fill-import = Importer le catalogue de départ :
home-fill-import-how = Des alternatives libres aux outils les plus courants (Word, WhatsApp, Zoom, Canva…), chacune avec ses raisons, son public et des services prêts à l’emploi. Sur le serveur, dans le dossier de Maillage :
home-fill-follow = Suivre un centre
home-fill-follow-how = d’un autre annuaire : ses recommandations apparaissent ici.
home-fill-publish = Publier une recommandation
home-fill-publish-how = de votre centre, avec vos propres mots.
home-known-centres = Les centres que connaît cet annuaire
home-all-centres = Tous les centres
home-recent = Dernières recommandations

search-label = Outil utilisé aujourd’hui, besoin ou logiciel
search-placeholder = ex. Google Drive, visio, tableur
search-button = Rechercher
search-title = Rechercher dans l’annuaire
search-title-for = Résultats pour « { $query } »
n-results = { $count ->
    [one] { $count } résultat
   *[other] { $count } résultats
}
showing = résultats { $range }
no-results = Aucun résultat
no-results-help = Essayez un autre mot, le nom de l’outil que vous utilisez aujourd’hui, ou retirez un filtre.
did-you-mean = Vouliez-vous dire :
refine = Affiner
active-filters = Filtres actifs
remove-filter = retirer ce filtre
pagination = Pages de résultats
previous = Précédent
next = Suivant

facet-kind = Type
facet-category = Catégorie
facet-replaces = Remplace
facet-origin = Centre
facet-license = Licence
facet-region = Région
facet-audience = Public
kind-centre = Centre
kind-contact = Médiateur·rice
kind-software = Logiciel

n-recommendations = { $count ->
    [one] { $count } recommandation
   *[other] { $count } recommandations
}
n-centres = { $count ->
    [one] { $count } centre
   *[other] { $count } centres
}
n-follows = { $count ->
    [one] { $count } abonnement
   *[other] { $count } abonnements
}
n-pending = { $count ->
    [one] { $count } demande en attente
   *[other] { $count } demandes en attente
}

replaces = Remplace
instead-of = À la place de
software-replaces = Alternative libre à
recommended-by = Recommandé par
recommended-by-heading = Recommandé par
endorsed-by = Relayé par
from-network = réseau
reviewed = Revu le
for-audience = pour
level = Avis
level-recommended = Recommandé
level-usable = Utilisable
level-avoid = À éviter
status = État
status-published = Publié
status-draft = Brouillon
status-withdrawn = Retiré
category = Catégorie
audience = Public
region = Région
licence = Licence
website = Site web
source-code = Code source
unknown = inconnue
software = Logiciel
software-why = Pourquoi les centres le recommandent
read-recommendation = Lire la recommandation
hosting-heading = Où l’utiliser sans l’installer
hosting-none = Aucun hébergeur indiqué pour l’instant.
mediators-heading = Qui peut vous accompagner
mediators-none = Aucun·e médiateur·rice n’indique encore ce logiciel.
print-hint = Cette page s’imprime proprement pour un atelier (Ctrl+P).
why-heading = Pourquoi
all-about = Tout sur { $name }
original = Voir l’original
category-empty = Aucune recommandation dans cette catégorie pour l’instant.
search-in-category = Rechercher dans cette catégorie
recommended-by-n = { $count ->
    [one] Recommandé par { $count } centre :
   *[other] Recommandé par { $count } centres :
}
endorses = relaie
why-each-centre = L’avis de chaque centre sur { $name }
hosted-by = Hébergé par :
mediators-who-know = Peuvent vous accompagner :
centre-entries = Voir ses recommandations et contacts
suggest-product = outil à remplacer
suggest-software = logiciel libre
suggest-category = besoin
suggest-available = suggestions, flèches haut et bas pour choisir, Entrée pour ouvrir
suggest-listbox = Suggestions
tag-title = #{ $tag }
tag-lead = Les recommandations publiées avec le mot-dièse #{ $tag }.
tag-feed = Suivre ce mot-dièse (flux Atom)
tag-empty = Aucune recommandation publiée ne porte ce mot-dièse pour l’instant.

knows = Connaît :
contact-of = Contact de
area = Territoire
skills = Compétences
languages = Langues
centre = Centre
reach-heading = Prendre contact
contact-form = Écrire via le formulaire de contact
email = Courriel
phone = Téléphone
reach-through-centre = Pour joindre cette personne, passez par son centre.
consent-note = Seules les informations que la personne a accepté de publier sont affichées.
contact = Contact

centres-title = Les centres
centres-lead = Les centres de ce nœud, et ceux dont il reçoit les recommandations.
centres-local = Sur ce nœud
centres-network = Dans le réseau
centres-network-none = Ce nœud ne suit encore aucun autre centre.
centres-groups = Réseaux de centres
centres-groups-lead = Un réseau relaie les fiches de ses centres membres ; on le suit pour les recevoir toutes.
latest-change = dernière mise à jour
last-refreshed = profil relu le
follow-hint = Suivre depuis Mastodon : { $handle }
atom-feed = Flux Atom

error-status = Erreur
error-not-found = Page introuvable
error-bad-form = Formulaire incorrect
error-bad-request = Requête incorrecte
error-forbidden = Action refusée
error-conflict = Conflit avec ce qui existe déjà
error-remote = Le serveur distant n’a pas répondu correctement
error-internal = Une erreur interne est survenue
error-reference = Référence à donner à l’opérateur du nœud :
error-csrf = Formulaire expiré ou venu d’un autre site : rechargez la page et recommencez.
error-too-large = Envoi trop volumineux

login-title = Connexion à l’administration
login-name = Nom du compte
login-password = Mot de passe
login-button = Se connecter
login-failed = Nom ou mot de passe incorrect.
login-throttled = Trop d’essais manqués depuis votre connexion : réessayez dans un quart d’heure.
login-help = Les comptes se créent sur le serveur avec « maillage admin create-user NOM ».

admin-title = Administration
admin-recommendations = Recommandations
admin-contacts = Fiches contact
admin-network = Réseau
admin-ours = Les nôtres
admin-received = Reçues du réseau
admin-none = Rien pour l’instant.
admin-none-received = Rien reçu du réseau pour l’instant.
actions = Actions
new-recommendation = Nouvelle recommandation
edit-recommendation = Modifier la recommandation de { $name }
new-contact = Nouvelle fiche contact
edit-contact = Modifier la fiche de { $name }
edit-named = Modifier { $name }
delete-named = Supprimer { $name }
endorse-named = Relayer { $name }
hide-named = Masquer { $name }
show-named = Réafficher { $name }
hidden = masqué
publish = Publier
save = Enregistrer
required = (obligatoire)
choose = — choisir —
form-has-errors = { $count ->
    [one] Le formulaire contient une erreur
   *[other] Le formulaire contient { $count } erreurs
}
error-at-field = { $field } : { $message }
name = Nom
visibility = Visibilité
visibility-hidden = Masquée (personne)
visibility-local = Ce nœud seulement
visibility-network = Centres du réseau seulement
visibility-public = Publique
consent = Consentement
consent-given = donné le
consent-none = aucun
consent-withdrawn = retiré

field-software-name = Nom du logiciel
field-software-homepage = Site du logiciel
field-software-repository = Dépôt du code source
field-software-license = Licence
field-replaces = Outils remplacés
field-summary = Résumé
field-rationale = Pourquoi le recommander
field-language = Langue du texte
field-region = Région
hint-offers = Choisissez l’hébergeur dans la liste : le nom et l’adresse du service sont les siens si vous les laissez vides. Pour un service dont l’hébergeur n’est pas listé, écrivez son nom et son adresse.
hint-no-providers = Aucun hébergeur n’est encore enregistré (voir Hébergeurs).
offer-provider = Hébergeur
offer-no-provider = — aucun de la liste —
offer-name = Nom du service
offer-url = Adresse du service
field-hosting = Hébergeurs
field-audience = Pour qui
field-role = Rôle
field-area-label = Territoire (en clair)
field-area-country = Pays
field-area-region = Région
field-area-department = Département
field-consent-given = La personne a donné son accord pour publier les informations cochées
field-consent-date = Date de l’accord
field-consent-scope = Informations que la personne accepte de publier
field-consent-withdrawn = La personne a retiré son accord
field-follow = Centre à suivre
field-object = Adresse de la recommandation
field-hide = Adresse de l’élément à masquer
field-domain = Domaine
field-rule = Règle

hint-url = Par ex. www.exemple.org : https:// est ajouté s’il manque.
hint-license = Choisissez-la par son nom (par ex. GNU AGPL v3 ou ultérieure) ; un identifiant SPDX convient aussi.
hint-list = Séparés par des virgules
hint-summary = Une ou deux phrases, affichées partout où la recommandation apparaît.
hint-language = Code de langue : fr, en…
hint-region = La région où vous la recommandez, si elle ne vaut pas partout.
hint-country = Code à deux lettres : FR, BE, CH…
hint-visibility = Publique : visible par tous et diffusée aux abonnés. Réseau : envoyée seulement aux centres qui nous suivent.
hint-consent = Sans accord enregistré, seuls le nom et le centre sont montrés hors de l’administration.
hint-follow = nom@domaine ou adresse du centre
hint-endorse = L’adresse (id) d’une recommandation d’un autre centre

scope-name = Nom
scope-role = Rôle
scope-area = Territoire
scope-skills = Compétences
scope-languages = Langues
scope-email = Courriel
scope-phone = Téléphone
scope-website = Site web
scope-contact_form = Formulaire de contact

queue-heading = Diffusion vers le réseau
queue-empty = Aucun serveur destinataire pour l’instant.
queue-caption = File d’envoi par serveur destinataire
queue-host = Serveur
queue-pending = En attente
queue-failures = Échecs d’affilée
queue-last-success = Dernier succès
queue-last-error = Dernière erreur
queue-unavailable = indisponible
queue-retry = Réessayer { $host } maintenant
never = jamais
delivery-pending = en attente
delivery-delivered = livrés
delivery-rejected = refusés
delivery-gone = disparus
delivery-expired = abandonnés

follows-heading = Centres suivis
follows-none = Aucun centre suivi.
follow = Suivre
unfollow-named = Ne plus suivre { $name }
followers-heading = Abonnés
followers-none = Aucun abonné pour l’instant.
approval-on = Les demandes d’abonnement attendent votre accord.
approval-off = Les demandes d’abonnement sont acceptées automatiquement.
approve-named = Accepter { $name }
refuse-named = Refuser { $name }
state-pending = en attente
state-accepted = accepté
state-rejected = refusé
backfill-received = { $count ->
    [one] { $count } entrée reçue
   *[other] { $count } entrées reçues
}
backfill-running = en cours
backfill-done = terminé
backfill-failed = échec
endorsements-heading = Recommandations relayées
endorse = Relayer
unendorse = Ne plus relayer
moderation-heading = Modération
hide = Masquer
save-rule = Enregistrer la règle
rule-block = bloquer
rule-allow = autoriser
remove-rule = Retirer la règle pour { $domain }

done-saved = Enregistré.
done-deleted = Supprimé.
done-retrying = Le serveur sera réessayé dans la seconde.
done-followed = Demande d’abonnement envoyée.
done-unfollowed = Abonnement arrêté.
done-approved = Abonné accepté.
done-refused = Abonné refusé.
done-trusted = Abonné approuvé : il reçoit les fiches de contact « réseau ».
done-distrusted = Abonné retiré de la confiance : il lui a été demandé d’effacer les fiches « réseau ».
trust-hint = Les fiches de contact dont la visibilité est « réseau » (données personnelles) ne vont qu’aux centres annuaires que vous approuvez ici, jamais aux autres abonnés.
trusted = approuvé pour les fiches réseau
trust-named = Confier les fiches réseau à { $name }
distrust-named = Ne plus confier les fiches réseau à { $name }
done-endorsed = Recommandation relayée.
done-unendorsed = Relais retiré.
done-hidden = Élément masqué.
done-shown = Élément réaffiché.
done-rule-saved = Règle enregistrée.
done-rule-removed = Règle retirée.

# Refusals of the forms (FieldError codes), next to the field.
reason-empty = Ce champ doit être rempli.
reason-too-short = Au moins { $min } caractères.
reason-too-long = Au plus { $max } caractères (il y en a { $count }).
reason-control-characters = Ce texte contient des caractères de contrôle.
reason-too-many = Au plus { $max } éléments.
reason-url = Ce n’est pas une adresse web valide : écrivez-la en entier, par ex. https://exemple.org.
reason-url-scheme = L’adresse doit commencer par http:// ou https://, pas { $scheme }:.
reason-url-credentials = L’adresse ne doit pas contenir de nom d’utilisateur ni de mot de passe.
reason-category = « { $value } » n’est pas une catégorie connue.
reason-choose = Choisissez une valeur dans la liste.
reason-country = Un code de pays à deux lettres, par ex. FR ou CH.
reason-consent-needed = Cette visibilité demande l’accord enregistré de la personne.
reason-future = Cette date ne peut pas être dans le futur.
reason-withdrawn-before-given = Le retrait ne peut pas précéder l’accord.
reason-email = « { $value } » n’est pas une adresse électronique.
reason-phone = « { $value } » n’est pas un numéro de téléphone.
reason-licence = « { $value } » n’est pas une licence SPDX valide (par ex. AGPL-3.0-or-later).
reason-replaces-needed = Indiquez au moins un outil que ce logiciel remplace.
reason-language = « { $value } » n’est pas un code de langue comme fr, en ou fr-CH.
reason-region = « { $value } » n’est pas un code ISO 3166 comme FR, FR-ARA ou CH-GE.
reason-consent-date = Une date au format AAAA-MM-JJ.
sheet-label = Fiche imprimée
sheet-qr = Code QR de l’adresse de cette page
sheet-online = En ligne :
sheet-ask = Pour être accompagné :
sheet-printed = Fiche imprimée le { $date }.
ready-to-use = Prêt à l’emploi :

places-title = Où se faire aider
nav-help = Demander de l’aide
nav-places = Lieux
places-lead = Les lieux de médiation numérique : espaces publics numériques, médiathèques, permanences, où l’on vous aide à utiliser le numérique.
places-near-label = Code postal ou commune
places-near-placeholder = ex. 42400, Saint-Étienne
places-near-button = Chercher les lieux proches
places-near-unknown = « { $query } » n’est ni un code postal ni une commune de France.
places-near-heading = Les plus proches de « { $query } »
n-places = { $count ->
    [one] { $count } lieu
   *[other] { $count } lieux
}
place-by = Publié par
place-itinerant = Itinérant
place-booking = Prendre rendez-vous
place-address = Adresse
place-hours = Horaires
place-services = Services
place-support-modes = Accompagnement
place-access-modes = Comment y accéder
place-fees = Frais
place-publics = Publics accueillis en particulier
place-specific-support = Prise en charge spécifique
place-programmes = Dispositifs nationaux
place-labels = Formations et labels
place-parent = Structure parente
place-about = Présentation
place-accessibility = Fiche d’accessibilité (Acceslibre)
place-updated = Informations mises à jour le { $date }
place-source = source : { $source }
event-where = Où
event-online = En ligne
event-booking = S’inscrire
event-about = Au programme
event-past = Cet atelier a eu lieu.
events-upcoming = Prochains ateliers
events-none = Aucun atelier prévu pour le moment.
events-calendar = Ajouter à mon agenda (iCalendar)
places-map-label = Carte des lieux

providers-title = Hébergeurs
providers-lead = Les organisations qui font tourner les services en ligne proposés dans l’annuaire : associations, coopératives, entreprises, organismes publics.
providers-empty = Aucun hébergeur n’est encore enregistré.
providers-all = Tous les hébergeurs
provider-kind-label = Type d’organisation
provider-kind-association = Association
provider-kind-cooperative = Coopérative
provider-kind-company = Entreprise
provider-kind-public-body = Organisme public
provider-country = Pays
provider-website = Site web
provider-offers = { $count } recommandation(s)
provider-offers-heading = Services proposés dans l’annuaire
provider-no-offers = Aucune recommandation publiée ne propose encore ses services.
chatons-title = Collectif des Hébergeurs Alternatifs, Transparents, Ouverts, Neutres et Solidaires
chatons-member = Membre du collectif
chatons-not-member = Non membre
offer-by = par

admin-providers = Hébergeurs
admin-providers-lead = Les organisations qui hébergent les services proposés dans vos recommandations. Chaque offre choisit son hébergeur dans cette liste ; une modification ici s’affiche dans toutes ses offres et est envoyée à vos abonnés.
new-provider = Nouvel hébergeur
edit-provider = Modifier { $name }
provider-offers-column = Recommandations
provider-still-offered = « { $key } » est encore l’hébergeur d’au moins une offre : retirez-le de ces recommandations avant de le supprimer.
field-chatons = Membre du collectif CHATONS
hint-provider-website = Son site, par exemple zaclys.com (https:// est ajouté).
create = Créer
yes = Oui
no = Non
admin-places = Lieux
new-place = Nouveau lieu
edit-place = Modifier « { $name } »
hint-place-form = Les champs du standard national « Lieux de médiation numérique » v1.0.2 : le lieu est publié tel quel aux centres qui suivent le vôtre.
field-pivot = SIRET, RNA ou RIDET de la structure
hint-pivot = 9 à 14 chiffres ou lettres, sans espaces
field-street = Numéro et voie
field-street-more = Complément d’adresse
field-postcode = Code postal
field-commune = Commune
field-insee = Code INSEE de la commune
field-latitude = Latitude
field-longitude = Longitude
hint-coordinates = En degrés décimaux, par ex. 45.4766 ; sans elles, le lieu est placé au centre de sa commune
hint-hours = Syntaxe OpenStreetMap, par ex. Mo-Fr 09:00-12:00,14:00-17:30; PH off
hint-phone-schema = +33 puis le numéro sans le 0 ni espaces, par ex. +33477000000
field-other-labels = Autres formations et labels
field-typology = Typologie
hint-typology = Codes data.inclusion séparés par des virgules, par ex. BIB, EPN, TIERS_LIEUX
field-source = Source des informations
field-source-id = Identifiant chez le producteur
hint-source-id = La colonne id du fichier national ; laissé vide, le lieu en reçoit un
field-date-maj = Date de mise à jour
field-itinerance = Itinérance
reason-postcode = « { $value } » n’est pas un code postal (5 chiffres).
reason-pivot = « { $value } » n’est pas un SIRET, RNA ou RIDET (9 à 14 chiffres ou lettres).
reason-insee = « { $value } » n’est pas un code INSEE de commune (5 caractères).
reason-date = « { $value } » n’est pas une date AAAA-MM-JJ.
nearby-heading = Qui peut vous aider près de chez vous
nearby-none = Aucun lieu de médiation connu de cet annuaire près d’ici.
nearby-all = Tous les lieux près de « { $query } »

# Demandes d’aide (formulaire public, pages d’administration).
help-title = Demander de l’aide
help-heading = Besoin d’aide pour changer d’outils ?
help-lead = Décrivez votre besoin : un centre de médiation numérique proche de chez vous vous recontactera.
help-lead-centre = Décrivez votre besoin : { $centre } vous recontactera.
help-about-software = Votre demande concerne { $software }.
help-need = Votre besoin
help-need-hint = Par exemple : « Notre association veut quitter Gmail et ne sait pas par où commencer. »
help-name = Votre nom
help-contact = Votre adresse e-mail ou votre numéro de téléphone
help-contact-hint = Pour que le centre puisse vous répondre.
help-postcode = Votre code postal ou votre commune
help-kind = Vous agissez pour
help-honeypot-label = Ne remplissez pas ce champ
help-honeypot = Ce champ caché doit rester vide (votre navigateur l’a peut-être rempli) : videz-le et renvoyez le formulaire.
help-consent = J’accepte que le centre conserve ma demande et me recontacte à son sujet.
help-transfer = J’accepte que ma demande soit transmise au serveur de ce centre ({ $node }), qui la conservera.
help-privacy = Votre demande n’est jamais publiée : seule l’équipe du centre la lit. Elle est effacée { $days } jours après son envoi, ou dès que vous le demandez.
help-erase-link = Effacer une demande
help-send = Envoyer ma demande
help-sent-title = Demande envoyée
help-sent-to = Votre demande est arrivée chez { $centre }, qui vous recontactera.
help-sent-forwarded = Votre demande a été transmise à { $centre }, qui vous recontactera.
help-sent-reference = Votre référence :
help-sent-keep = Gardez cette référence : elle permet de parler de votre demande avec le centre, ou de l’effacer.
help-erase-title = Effacer une demande d’aide
help-erase-lead = Indiquez la référence reçue à l’envoi : la demande et tout ce qui s’y rapporte seront effacés.
help-reference = Référence de la demande
help-erase-button = Effacer la demande
help-erased = La demande { $reference } est effacée.
help-erase-unknown = Aucune demande « { $reference } » ici : elle a peut-être déjà été effacée, ou a été envoyée depuis un autre serveur.
org-kind-association = une association
org-kind-cooperative = une coopérative
org-kind-local-authority = une collectivité
org-kind-company = une entreprise
org-kind-individual = vous-même
org-kind-other = autre
error-throttled = Trop de demandes depuis votre connexion ces dernières minutes : réessayez dans un quart d’heure.
reason-help-consent = Cochez la case : sans votre accord, le centre ne peut pas garder votre demande.
reason-help-reachable = Indiquez une adresse e-mail ou un numéro de téléphone, pour que le centre puisse vous répondre.
reason-help-where = Indiquez votre code postal ou votre commune, pour que votre demande arrive au centre le plus proche.
reason-help-centre = « { $value } » n’est pas un centre connu de cet annuaire.
reason-help-transfer = Ce centre est sur un autre serveur ({ $node }) : cochez la case pour accepter que votre demande lui soit transmise.
reason-organisation-kind = « { $value } » n’est pas un type d’organisation proposé.
reason-commune = « { $value } » n’est ni un code postal ni une commune de France.
admin-help = Demandes d’aide
admin-help-new = { $count ->
    [one] { $count } nouvelle
   *[other] { $count } nouvelles
}
help-status-new = Nouvelle
help-status-in-progress = En cours
help-status-done = Traitée
help-all = Toutes
help-none = Aucune demande pour l’instant.
help-received = Reçue le
help-from = De
help-centre = Centre
help-channel = Arrivée par
help-channel-web = le site
help-channel-api = l’API
help-channel-fediverse = le fediverse
help-channel-peer = un autre serveur Maillage
help-routing = Pourquoi ce centre
help-routing-chosen = choisi par la personne
help-routing-place = lieu le plus proche : { $place } ({ $km } km)
help-routing-region = centre de la région { $region }
help-routing-first = aucun centre proche : premier centre du serveur
help-consent-given = Accord donné le { $date } : « { $text } »
help-status = État
help-assigned = Suivie par
help-nobody = personne
help-notes = Notes de l’équipe
help-conversation = Échanges
help-reply = Répondre à { $account }
help-reply-hint = Message privé envoyé à ce compte seulement.
help-reply-send = Envoyer la réponse
help-erase-staff = Effacer cette demande
help-erase-confirm = Effacer définitivement la demande { $reference } et ses échanges ?
help-erased-after = Effacée automatiquement le { $date }.
help-contact-by = Contact
done-help-saved = Demande enregistrée.
done-help-replied = Réponse envoyée.
done-help-erased = Demande effacée.
help-staff-where = Commune
help-staff-kind = Au nom de
help-staff-need = Le besoin
help-cancel = Annuler
## Profil du centre (issue 12)
admin-profile = Profil du centre
profile-intro = Ce que les visiteurs et le fédivers voient de votre centre. Chaque enregistrement est envoyé aussitôt à vos abonnés.
profile-see-public = Voir la page publique
field-centre-name = Nom affiché
field-centre-summary = Présentation
hint-centre-summary = Quelques phrases : qui vous êtes, ce que vous proposez, où et quand.
hint-website = Par exemple www.mon-centre.fr (https:// est ajouté s’il manque).
hint-centre-contact = Une adresse électronique ou l’adresse d’une page de contact.
profile-region-none = Aucune région
field-avatar = Avatar
field-header = Image d’en-tête
field-image-file = Choisir une image sur l’ordinateur
hint-icon-file = PNG, JPEG ou WebP, 5 Mio au plus. Recadrée en carré de 400 pixels.
hint-header-file = PNG, JPEG ou WebP, 5 Mio au plus. Recadrée à 1500 × 500 pixels.
field-image-remove = Retirer l’image actuelle
profile-current-image = Image actuelle
reason-not-an-image = { $field ->
    [icon] L’avatar
    [header] L’image d’en-tête
   *[other] Ce fichier
  } n’est pas une image PNG, JPEG ou WebP.
reason-image-too-large = { $field ->
    [icon] L’avatar
    [header] L’image d’en-tête
   *[other] L’image
  } dépasse { $max } Mio.
reason-image-too-wide = { $field ->
    [icon] L’avatar
    [header] L’image d’en-tête
   *[other] L’image
  } dépasse { $max } pixels de côté.

## Comptes de l’équipe (issue 12)
admin-accounts = Comptes de l’équipe
admin-password = Changer mon mot de passe
accounts-lead = Les administrateurs gèrent le profil du centre, le réseau et les comptes ; les éditeurs tiennent à jour les recommandations, les fiches contact, les lieux, les hébergeurs et les événements. Le centre garde toujours au moins un administrateur.
role-administrator = Administrateur ou administratrice
role-editor = Éditeur ou éditrice
account-you = vous
account-last-login = dernière connexion :
account-role-of = Rôle de { $name }
account-change-role = Changer le rôle
account-reset = Nouveau mot de passe pour { $name }
account-delete = Supprimer le compte { $name }
account-delete-title = Supprimer le compte { $name } ?
account-delete-lead = { $name } ne pourra plus se connecter et ses sessions ouvertes seront fermées. Ce qu’il ou elle a publié reste en place.
account-new = Nouveau compte
account-name = Identifiant
hint-account-name = Lettres, chiffres et . _ - @ ; la personne le tape pour se connecter.
account-role = Rôle
hint-account-role = Un éditeur ne voit ni le profil, ni le réseau, ni les comptes.
account-create = Créer le compte
account-handed-title = Mot de passe à usage unique pour { $name }
account-handed-lead = Transmettez ce mot de passe à la personne, de vive voix ou par un autre canal que le courriel si possible. Il ne sera plus jamais affiché.
account-handed-hint = À sa première connexion, elle le remplace par le sien depuis « Changer mon mot de passe ».
done-account-created = Compte créé.
done-password-reset = Nouveau mot de passe créé ; les sessions ouvertes de ce compte sont fermées.
password-lead = Votre nouveau mot de passe doit compter au moins { $min } caractères. Vos autres sessions (un autre navigateur, un téléphone) seront fermées ; celle-ci reste ouverte.
password-current = Mot de passe actuel
password-new = Nouveau mot de passe
password-again = Nouveau mot de passe, une seconde fois
reason-wrong-password = Ce n’est pas votre mot de passe actuel.
reason-passwords-differ = Les deux saisies du nouveau mot de passe diffèrent.
error-administrators-only = Cette page est réservée aux administrateurs du centre. Demandez à l’un d’eux si vous avez besoin d’y accéder.
account-cancel = Annuler

## Journal des modifications (issue 12)
admin-audit = Journal des modifications
audit-heading = Dernières modifications
audit-all = Tout le journal
audit-lead = Qui a créé, modifié ou supprimé quoi, depuis ces pages ou avec un jeton de l’API, du plus récent au plus ancien.
audit-empty = Aucune modification enregistrée pour l’instant.
audit-pages = Pages du journal
audit-page = Page { $number }
audit-newer = Plus récentes
audit-older = Plus anciennes
audit-entry = { $actor } { $action ->
    [created] a créé
    [updated] a modifié
   *[deleted] a supprimé
  } { $kind ->
    [recommendation] la recommandation
    [contact] la fiche contact
    [place] le lieu
    [provider] l’hébergeur
    [event] l’événement
    [profile] le profil du centre
    [account] le compte
    [help-request] la demande d’aide
   *[other] l’élément
  } « { $title } »

# Réseaux de centres (issue 14)
admin-networks = Réseaux de centres
networks-intro = Un réseau de centres (régional ou thématique) est un compte que les centres rejoignent en s’y abonnant. Une fois un centre admis, le réseau partage ses recommandations, lieux et ateliers, leurs modifications et suppressions, avec tous ceux qui suivent le réseau : d’autres centres et des comptes du fédivers (Mastodon…). Chaque fiche garde son centre d’origine.
networks-none = Ce nœud n’héberge encore aucun réseau.
network-create = Créer un réseau
field-network-username = Identifiant du réseau
hint-network-username = Lettres minuscules, chiffres et tirets : le réseau sera @identifiant@ce-nœud
field-network-name = Nom du réseau
members-none = Aucun centre n’a encore demandé à rejoindre le réseau : un centre le rejoint en s’y abonnant.
member-state-requested = demande à rejoindre
member-state-admitted = admis, en attente de la réponse du centre
member-state-member = membre
member-state-refused = a refusé le réseau
member-follows-network = suit le réseau
admit-named = Admettre { $name }
remove-member-named = Retirer { $name }
done-network-created = Réseau créé.
done-member-admitted = Centre admis : ses fiches seront partagées dès qu’il acceptera le réseau.
done-member-removed = Membre retiré : ce que le réseau en avait partagé est retiré.
