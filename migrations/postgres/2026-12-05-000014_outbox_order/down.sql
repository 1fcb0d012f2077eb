DROP INDEX events_centre_recent;
DROP INDEX places_centre_nom;
DROP INDEX contacts_centre_name;
DROP INDEX recommendations_centre_recent;
