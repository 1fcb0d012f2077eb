# English interface. Every key also exists in fr.ftl (a test checks it).

skip-to-content = Skip to content
nav-label = Main navigation
nav-home = Home
nav-search = Search
nav-centres = Centres
nav-admin = Admin
nav-login = Log in
nav-logout = Log out ({ $name })
language-label = Language
footer-about = Maillage, the federated directory of free-software alternatives and digital mediators (free software, AGPL)
footer-api = Open API
footer-follow = Follow a centre from Mastodon
back-home = Back to the home page

home-title = Find a free alternative
home-heading = Which tool do you want to replace?
home-lead = Digital-mediation centres recommend free software, explain why, say who hosts it and who can help you.
home-shortcuts = Today you use…
home-categories = By need
home-empty = The directory is still empty.
home-empty-staff = Do you run this directory? Three ways to fill it:
home-fill-import = Import the starter catalogue:
home-fill-import-how = Free alternatives to the most common tools (Word, WhatsApp, Zoom, Canva…), each with its reasons, who it suits and ready-to-use services. On the server, in the Maillage folder:
home-fill-follow = Follow a centre
home-fill-follow-how = of another directory: its recommendations show up here.
home-fill-publish = Publish a recommendation
home-fill-publish-how = of your centre, in your own words.
home-known-centres = The centres this directory knows
home-all-centres = All centres
home-recent = Latest recommendations

search-label = Tool you use today, need or software
search-placeholder = e.g. Google Drive, video call, spreadsheet
search-button = Search
search-title = Search the directory
search-title-for = Results for “{ $query }”
n-results = { $count ->
    [one] { $count } result
   *[other] { $count } results
}
showing = results { $range }
no-results = No results
no-results-help = Try another word, the name of the tool you use today, or remove a filter.
did-you-mean = Did you mean:
refine = Refine
active-filters = Active filters
remove-filter = remove this filter
pagination = Result pages
previous = Previous
next = Next

facet-kind = Kind
facet-category = Category
facet-replaces = Replaces
facet-origin = Centre
facet-license = Licence
facet-region = Region
facet-audience = Audience
kind-centre = Centre
kind-contact = Mediator
kind-software = Software

n-recommendations = { $count ->
    [one] { $count } recommendation
   *[other] { $count } recommendations
}
n-centres = { $count ->
    [one] { $count } centre
   *[other] { $count } centres
}
n-follows = { $count ->
    [one] { $count } follow
   *[other] { $count } follows
}
n-pending = { $count ->
    [one] { $count } pending request
   *[other] { $count } pending requests
}

replaces = Replaces
instead-of = Instead of
software-replaces = Free alternative to
recommended-by = Recommended by
recommended-by-heading = Recommended by
endorsed-by = Endorsed by
from-network = network
reviewed = Reviewed
for-audience = for
level = Verdict
level-recommended = Recommended
level-usable = Usable
level-avoid = Avoid
status = Status
status-published = Published
status-draft = Draft
status-withdrawn = Withdrawn
category = Category
audience = Audience
region = Region
licence = Licence
website = Website
source-code = Source code
unknown = unknown
software = Software
software-why = Why centres recommend it
read-recommendation = Read the recommendation
hosting-heading = Where to use it without installing it
hosting-none = No host listed yet.
mediators-heading = Who can help you
mediators-none = No mediator lists this software yet.
print-hint = This page prints cleanly for a workshop (Ctrl+P).
why-heading = Why
all-about = All about { $name }
original = See the original
category-empty = No recommendation in this category yet.
search-in-category = Search in this category
recommended-by-n = { $count ->
    [one] Recommended by { $count } centre:
   *[other] Recommended by { $count } centres:
}
endorses = shares
why-each-centre = What each centre says about { $name }
hosted-by = Hosted by:
mediators-who-know = Can help you:
centre-entries = See its recommendations and contacts
suggest-product = tool to replace
suggest-software = free software
suggest-category = need
suggest-available = suggestions, up and down arrows to choose, Enter to open
suggest-listbox = Suggestions
tag-title = #{ $tag }
tag-lead = Recommendations published with the hashtag #{ $tag }.
tag-feed = Follow this hashtag (Atom feed)
tag-empty = No published recommendation carries this hashtag yet.

knows = Knows:
contact-of = Contact at
area = Area
skills = Skills
languages = Languages
centre = Centre
reach-heading = Getting in touch
contact-form = Write through the contact form
email = Email
phone = Phone
reach-through-centre = To reach this person, go through their centre.
consent-note = Only what the person agreed to publish is shown.
contact = Contact

centres-title = Centres
centres-lead = This node's centres, and those whose recommendations it receives.
centres-local = On this node
centres-network = In the network
centres-network-none = This node follows no other centre yet.
centres-groups = Networks of centres
centres-groups-lead = A network relays the entries of its member centres; follow it to receive them all.
latest-change = last updated
last-refreshed = profile read
follow-hint = Follow from Mastodon: { $handle }
atom-feed = Atom feed

error-status = Error
error-not-found = Page not found
error-bad-form = Incorrect form
error-bad-request = Incorrect request
error-forbidden = Not allowed
error-conflict = Conflicts with what exists already
error-remote = The remote server did not answer properly
error-internal = An internal error occurred
error-reference = Reference to give the node's operator:
error-csrf = This form expired or came from another site: reload the page and try again.
error-too-large = Too large

login-title = Log in to the admin pages
login-name = Account name
login-password = Password
login-button = Log in
login-failed = Wrong name or password.
login-throttled = Too many failed attempts from your connection: try again in a quarter of an hour.
login-help = Accounts are created on the server with “maillage admin create-user NAME”.

admin-title = Admin
admin-recommendations = Recommendations
admin-contacts = Contact cards
admin-network = Network
admin-ours = Ours
admin-received = Received from the network
admin-none = Nothing yet.
admin-none-received = Nothing received from the network yet.
actions = Actions
new-recommendation = New recommendation
edit-recommendation = Edit the recommendation of { $name }
new-contact = New contact card
edit-contact = Edit the card of { $name }
edit-named = Edit { $name }
delete-named = Delete { $name }
endorse-named = Endorse { $name }
hide-named = Hide { $name }
show-named = Show { $name } again
hidden = hidden
publish = Publish
save = Save
required = (required)
choose = — choose —
form-has-errors = { $count ->
    [one] The form has an error
   *[other] The form has { $count } errors
}
error-at-field = { $field }: { $message }
name = Name
visibility = Visibility
visibility-hidden = Hidden (nobody)
visibility-local = This node only
visibility-network = Network centres only
visibility-public = Public
consent = Consent
consent-given = given on
consent-none = none
consent-withdrawn = withdrawn

field-software-name = Software name
field-software-homepage = Software website
field-software-repository = Source repository
field-software-license = Licence
field-replaces = Tools it replaces
field-summary = Summary
field-rationale = Why recommend it
field-language = Language of the text
field-region = Region
hint-offers = Pick the provider from the list: the service’s name and address are the provider’s when left blank. For a service whose provider is not listed, type its name and address.
hint-no-providers = No provider is recorded yet (see Providers).
offer-provider = Provider
offer-no-provider = — none of the list —
offer-name = Service name
offer-url = Service address
field-hosting = Hosts
field-audience = Who it suits
field-role = Role
field-area-label = Area (plain words)
field-area-country = Country
field-area-region = Region
field-area-department = Department
field-consent-given = The person agreed to the publication of the ticked details
field-consent-date = Date of agreement
field-consent-scope = Details the person agrees to publish
field-consent-withdrawn = The person withdrew their agreement
field-follow = Centre to follow
field-object = Address of the recommendation
field-hide = Address of the item to hide
field-domain = Domain
field-rule = Rule

hint-url = E.g. www.example.org: https:// is added when missing.
hint-license = Choose it by name (e.g. GNU AGPL v3 or later); an SPDX identifier works too.
hint-list = Separated by commas
hint-summary = One or two sentences, shown wherever the recommendation appears.
hint-language = Language code: fr, en…
hint-region = The region where you recommend it, if not everywhere.
hint-country = Two-letter code: FR, BE, CH…
hint-visibility = Public: seen by everyone and sent to followers. Network: sent only to the centres that follow us.
hint-consent = Without a recorded agreement, only the name and the centre are shown outside the admin pages.
hint-follow = name@domain or the centre's address
hint-endorse = The address (id) of another centre's recommendation

scope-name = Name
scope-role = Role
scope-area = Area
scope-skills = Skills
scope-languages = Languages
scope-email = Email
scope-phone = Phone
scope-website = Website
scope-contact_form = Contact form

queue-heading = Delivery to the network
queue-empty = No destination server yet.
queue-caption = Delivery queue per destination server
queue-host = Server
queue-pending = Waiting
queue-failures = Failures in a row
queue-last-success = Last success
queue-last-error = Last error
queue-unavailable = unavailable
queue-retry = Retry { $host } now
never = never
delivery-pending = waiting
delivery-delivered = delivered
delivery-rejected = refused
delivery-gone = gone
delivery-expired = given up

follows-heading = Centres followed
follows-none = No centre followed.
follow = Follow
unfollow-named = Unfollow { $name }
followers-heading = Followers
followers-none = No followers yet.
approval-on = Follow requests wait for your approval.
approval-off = Follow requests are accepted automatically.
approve-named = Approve { $name }
refuse-named = Refuse { $name }
state-pending = pending
state-accepted = accepted
state-rejected = refused
backfill-received = { $count ->
    [one] { $count } entry received
   *[other] { $count } entries received
}
backfill-running = in progress
backfill-done = finished
backfill-failed = failed
endorsements-heading = Endorsed recommendations
endorse = Endorse
unendorse = Stop endorsing
moderation-heading = Moderation
hide = Hide
save-rule = Save the rule
rule-block = block
rule-allow = allow
remove-rule = Remove the rule for { $domain }

done-saved = Saved.
done-deleted = Deleted.
done-retrying = The server will be tried again within a second.
done-followed = Follow request sent.
done-unfollowed = Unfollowed.
done-approved = Follower approved.
done-refused = Follower refused.
done-trusted = Follower trusted: it receives the network contact cards.
done-distrusted = Follower no longer trusted: it was asked to delete the network contact cards.
trust-hint = Contact cards whose visibility is “network” (personal data) go only to the directory centres you trust here, never to other followers.
trusted = trusted with network cards
trust-named = Trust { $name } with network cards
distrust-named = Stop trusting { $name }
done-endorsed = Recommendation endorsed.
done-unendorsed = Endorsement removed.
done-hidden = Item hidden.
done-shown = Item shown again.
done-rule-saved = Rule saved.
done-rule-removed = Rule removed.

# Refusals of the forms (FieldError codes), next to the field.
reason-empty = This field must be filled in.
reason-too-short = At least { $min } characters.
reason-too-long = At most { $max } characters (there are { $count }).
reason-control-characters = This text contains control characters.
reason-too-many = At most { $max } items.
reason-url = This is not a valid web address: write it in full, e.g. https://example.org.
reason-url-scheme = The address must start with http:// or https://, not { $scheme }:.
reason-url-credentials = The address must not contain a user name or password.
reason-category = “{ $value }” is not a known category.
reason-choose = Choose a value from the list.
reason-country = A two-letter country code, e.g. FR or CH.
reason-consent-needed = This visibility needs the person's recorded agreement.
reason-future = This date cannot be in the future.
reason-withdrawn-before-given = The withdrawal cannot come before the agreement.
reason-email = “{ $value }” is not an email address.
reason-phone = “{ $value }” is not a phone number.
reason-licence = “{ $value }” is not a valid SPDX licence (e.g. AGPL-3.0-or-later).
reason-replaces-needed = Name at least one tool this software replaces.
reason-language = “{ $value }” is not a language code such as fr, en or fr-CH.
reason-region = “{ $value }” is not an ISO 3166 code such as FR, FR-ARA or CH-GE.
reason-consent-date = A date written YYYY-MM-DD.
sheet-label = Printed sheet
sheet-qr = QR code of this page’s address
sheet-online = Online:
sheet-ask = For help:
sheet-printed = Sheet printed on { $date }.
ready-to-use = Ready to use:

places-title = Where to get help
nav-help = Ask for help
nav-places = Places
places-lead = Digital mediation places: public digital spaces, libraries, drop-in sessions where people help you with computers and the internet.
places-near-label = Postcode or commune
places-near-placeholder = e.g. 42400, Saint-Étienne
places-near-button = Find places nearby
places-near-unknown = “{ $query }” is neither a postcode nor a commune of France.
places-near-heading = Nearest to “{ $query }”
n-places = { $count ->
    [one] { $count } place
   *[other] { $count } places
}
place-by = Published by
place-itinerant = Itinerant
place-booking = Book an appointment
place-address = Address
place-hours = Opening hours
place-services = Services
place-support-modes = Kind of help
place-access-modes = How to come
place-fees = Fees
place-publics = Especially welcomes
place-specific-support = Specific support
place-programmes = National programmes
place-labels = Training and labels
place-parent = Parent organisation
place-about = About
place-accessibility = Accessibility sheet (Acceslibre)
place-updated = Information updated on { $date }
place-source = source: { $source }
event-where = Where
event-online = Online
event-booking = Book a seat
event-about = What to expect
event-past = This workshop is over.
events-upcoming = Upcoming workshops
events-none = No workshop planned yet.
events-calendar = Add to my calendar (iCalendar)
places-map-label = Map of the places

providers-title = Hosting providers
providers-lead = The organisations that run the online services the directory offers: associations, cooperatives, companies, public bodies.
providers-empty = No provider is recorded yet.
providers-all = All providers
provider-kind-label = Kind of organisation
provider-kind-association = Association
provider-kind-cooperative = Cooperative
provider-kind-company = Company
provider-kind-public-body = Public body
provider-country = Country
provider-website = Website
provider-offers = { $count } recommendation(s)
provider-offers-heading = Services offered in the directory
provider-no-offers = No published recommendation offers its services yet.
chatons-title = Collective of Alternative, Transparent, Open, Neutral and Solidarity-based Hosters
chatons-member = Member of the collective
chatons-not-member = Not a member
offer-by = by

admin-providers = Hosting providers
admin-providers-lead = The organisations hosting the services your recommendations offer. Each offer picks its provider from this list; a change here shows in all its offers and is sent to your followers.
new-provider = New provider
edit-provider = Edit { $name }
provider-offers-column = Recommendations
provider-still-offered = “{ $key }” still hosts at least one offer: remove it from those recommendations before deleting it.
field-chatons = Member of the CHATONS collective
hint-provider-website = Its website, for example zaclys.com (https:// is added).
create = Create
yes = Yes
no = No
admin-places = Places
new-place = New place
edit-place = Edit “{ $name }”
hint-place-form = The fields of the French national standard “Lieux de médiation numérique” v1.0.2: the place is published as it is to the centres that follow yours.
field-pivot = SIRET, RNA or RIDET of the organisation
hint-pivot = 9 to 14 digits or letters, no spaces
field-street = Number and street
field-street-more = Address, more
field-postcode = Postcode
field-commune = Commune
field-insee = INSEE code of the commune
field-latitude = Latitude
field-longitude = Longitude
hint-coordinates = Decimal degrees, e.g. 45.4766; without them the place is shown at the centre of its commune
hint-hours = OpenStreetMap syntax, e.g. Mo-Fr 09:00-12:00,14:00-17:30; PH off
hint-phone-schema = +33 then the number without its leading 0 or spaces, e.g. +33477000000
field-other-labels = Other training and labels
field-typology = Typology
hint-typology = data.inclusion codes separated by commas, e.g. BIB, EPN, TIERS_LIEUX
field-source = Source of the information
field-source-id = Identifier at the producer
hint-source-id = The id column of the national file; left empty, the place gets one
field-date-maj = Date of update
field-itinerance = Itinerancy
reason-postcode = “{ $value }” is not a postcode (5 digits).
reason-pivot = “{ $value }” is not a SIRET, RNA or RIDET (9 to 14 digits or letters).
reason-insee = “{ $value }” is not an INSEE commune code (5 characters).
reason-date = “{ $value }” is not a date written YYYY-MM-DD.
nearby-heading = Who can help near you
nearby-none = No mediation place known to this directory near there.
nearby-all = Every place near “{ $query }”

# Help requests (public form, admin pages).
help-title = Ask for help
help-heading = Need help changing your tools?
help-lead = Describe what you need: a digital mediation centre near you will get back to you.
help-lead-centre = Describe what you need: { $centre } will get back to you.
help-about-software = Your request is about { $software }.
help-need = What you need
help-need-hint = For example: "Our association wants to leave Gmail and does not know where to start."
help-name = Your name
help-contact = Your e-mail address or phone number
help-contact-hint = So that the centre can answer you.
help-postcode = Your postcode or town
help-kind = You act for
help-honeypot-label = Leave this field empty
help-honeypot = This hidden field must stay empty (your browser may have filled it): empty it and send the form again.
help-consent = I agree that the centre keeps my request and contacts me about it.
help-transfer = I agree that my request is sent to this centre's server ({ $node }), which will keep it.
help-privacy = Your request is never published: only the centre's staff read it. It is erased { $days } days after you send it, or as soon as you ask.
help-erase-link = Erase a request
help-send = Send my request
help-sent-title = Request sent
help-sent-to = Your request reached { $centre }, who will get back to you.
help-sent-forwarded = Your request was passed on to { $centre }, who will get back to you.
help-sent-reference = Your reference:
help-sent-keep = Keep this reference: it names your request when you talk with the centre, and erases it.
help-erase-title = Erase a help request
help-erase-lead = Give the reference you received when sending: the request and everything about it will be erased.
help-reference = Request reference
help-erase-button = Erase the request
help-erased = Request { $reference } is erased.
help-erase-unknown = No request "{ $reference }" here: it may have been erased already, or sent from another server.
org-kind-association = an association
org-kind-cooperative = a cooperative
org-kind-local-authority = a local authority
org-kind-company = a company
org-kind-individual = yourself
org-kind-other = other
error-throttled = Too many requests from your connection in the last minutes: try again in a quarter of an hour.
reason-help-consent = Tick the box: without your agreement the centre cannot keep your request.
reason-help-reachable = Give an e-mail address or a phone number, so that the centre can answer you.
reason-help-where = Give your postcode or town, so that your request reaches the nearest centre.
reason-help-centre = "{ $value }" is not a centre this directory knows.
reason-help-transfer = This centre is on another server ({ $node }): tick the box to agree that your request is sent there.
reason-organisation-kind = "{ $value }" is not one of the kinds of organisation offered.
reason-commune = "{ $value }" is neither a postcode nor a town of France.
admin-help = Help requests
admin-help-new = { $count ->
    [one] { $count } new
   *[other] { $count } new
}
help-status-new = New
help-status-in-progress = In progress
help-status-done = Done
help-all = All
help-none = No requests yet.
help-received = Received on
help-from = From
help-centre = Centre
help-channel = Came through
help-channel-web = the website
help-channel-api = the API
help-channel-fediverse = the fediverse
help-channel-peer = another Maillage server
help-routing = Why this centre
help-routing-chosen = chosen by the person
help-routing-place = nearest place: { $place } ({ $km } km)
help-routing-region = a centre of the region { $region }
help-routing-first = no centre near: the server's first centre
help-consent-given = Consent given on { $date }: "{ $text }"
help-status = Status
help-assigned = Followed by
help-nobody = nobody
help-notes = Staff notes
help-conversation = Messages
help-reply = Reply to { $account }
help-reply-hint = A private message to this account only.
help-reply-send = Send the reply
help-erase-staff = Erase this request
help-erase-confirm = Erase request { $reference } and its messages for good?
help-erased-after = Erased automatically on { $date }.
help-contact-by = Contact
done-help-saved = Request saved.
done-help-replied = Reply sent.
done-help-erased = Request erased.
help-staff-where = Town
help-staff-kind = On behalf of
help-staff-need = What is needed
help-cancel = Cancel
## Centre profile (issue 12)
admin-profile = Centre profile
profile-intro = What visitors and the fediverse see of your centre. Each save is sent at once to your followers.
profile-see-public = See the public page
field-centre-name = Display name
field-centre-summary = Description
hint-centre-summary = A few sentences: who you are, what you offer, where and when.
hint-website = For instance www.my-centre.org (https:// is added when missing).
hint-centre-contact = An email address or the address of a contact page.
profile-region-none = No region
field-avatar = Avatar
field-header = Header image
field-image-file = Choose an image on the computer
hint-icon-file = PNG, JPEG or WebP, 5 MiB at most. Cropped to a 400 pixel square.
hint-header-file = PNG, JPEG or WebP, 5 MiB at most. Cropped to 1500 × 500 pixels.
field-image-remove = Remove the current image
profile-current-image = Current image
reason-not-an-image = { $field ->
    [icon] The avatar
    [header] The header image
   *[other] This file
  } is not a PNG, JPEG or WebP image.
reason-image-too-large = { $field ->
    [icon] The avatar
    [header] The header image
   *[other] The image
  } is larger than { $max } MiB.
reason-image-too-wide = { $field ->
    [icon] The avatar
    [header] The header image
   *[other] The image
  } is more than { $max } pixels wide or high.

## Staff accounts (issue 12)
admin-accounts = Staff accounts
admin-password = Change my password
accounts-lead = Administrators manage the centre’s profile, the network and the accounts; editors keep recommendations, contact cards, places, providers and events up to date. The centre always keeps at least one administrator.
role-administrator = Administrator
role-editor = Editor
account-you = you
account-last-login = last login:
account-role-of = Role of { $name }
account-change-role = Change the role
account-reset = New password for { $name }
account-delete = Delete the account { $name }
account-delete-title = Delete the account { $name }?
account-delete-lead = { $name } will no longer be able to log in and their open sessions will be closed. What they published stays.
account-new = New account
account-name = Login name
hint-account-name = Letters, digits and . _ - @; the person types it to log in.
account-role = Role
hint-account-role = An editor sees neither the profile, nor the network, nor the accounts.
account-create = Create the account
account-handed-title = One-time password for { $name }
account-handed-lead = Give this password to the person, in person or through another channel than email if you can. It will never be shown again.
account-handed-hint = At their first login, they replace it with their own from “Change my password”.
done-account-created = Account created.
done-password-reset = New password created; the account’s open sessions are closed.
password-lead = Your new password must have at least { $min } characters. Your other sessions (another browser, a phone) will be closed; this one stays open.
password-current = Current password
password-new = New password
password-again = New password, once more
reason-wrong-password = This is not your current password.
reason-passwords-differ = The two entries of the new password differ.
error-administrators-only = This page is for the centre’s administrators. Ask one of them if you need to use it.
account-cancel = Cancel

## Change log (issue 12)
admin-audit = Change log
audit-heading = Latest changes
audit-all = The whole log
audit-lead = Who created, changed or deleted what, from these pages or with an API token, newest first.
audit-empty = No change recorded yet.
audit-pages = Pages of the log
audit-page = Page { $number }
audit-newer = Newer
audit-older = Older
audit-entry = { $actor } { $action ->
    [created] created
    [updated] changed
   *[deleted] deleted
  } { $kind ->
    [recommendation] the recommendation
    [contact] the contact card
    [place] the place
    [provider] the provider
    [event] the event
    [profile] the centre’s profile
    [account] the account
    [help-request] the help request
   *[other] the item
  } “{ $title }”

# Networks of centres (issue 14)
admin-networks = Networks of centres
networks-intro = A network of centres (regional or thematic) is an account that centres join by following it. Once you admit a centre, the network shares its recommendations, places and workshops, with their edits and deletions, with everyone who follows the network: other centres and fediverse accounts (Mastodon…). Each entry keeps its centre as its origin.
networks-none = This node hosts no network yet.
network-create = Create a network
field-network-username = Network identifier
hint-network-username = Lower-case letters, digits and dashes: the network will be @identifier@this-node
field-network-name = Network name
members-none = No centre has asked to join yet: a centre joins by following the network.
member-state-requested = asks to join
member-state-admitted = admitted, waiting for the centre's answer
member-state-member = member
member-state-refused = refused the network
member-follows-network = follows the network
admit-named = Admit { $name }
remove-member-named = Remove { $name }
done-network-created = Network created.
done-member-admitted = Centre admitted: its entries will be shared once it accepts the network.
done-member-removed = Member removed: what the network shared of it is withdrawn.
