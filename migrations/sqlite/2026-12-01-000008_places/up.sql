-- Mediation places, in the national schema "Lieux de médiation numérique" v1.0.2: the columns
-- carry the schema's field names; `source_id` is the schema's `id` (the producer's own id);
-- the twelve list fields are one JSON object `lists` ({"services": ["…"], …}), which keeps the
-- table under diesel's 32 columns.
CREATE TABLE places (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    ap_id TEXT NOT NULL UNIQUE,
    centre_id BIGINT NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    source_id TEXT,
    pivot TEXT NOT NULL,
    nom TEXT NOT NULL,
    commune TEXT NOT NULL,
    code_postal TEXT NOT NULL,
    code_insee TEXT,
    adresse TEXT NOT NULL,
    complement_adresse TEXT,
    latitude REAL,
    longitude REAL,
    telephone TEXT,
    horaires TEXT,
    presentation_resume TEXT,
    presentation_detail TEXT,
    source TEXT,
    structure_parente TEXT,
    date_maj TEXT NOT NULL,
    autres_formations_labels TEXT,
    fiche_acces_libre TEXT,
    prise_rdv TEXT,
    lists TEXT NOT NULL,
    local BOOLEAN NOT NULL,
    hidden BOOLEAN NOT NULL DEFAULT FALSE,
    search_text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    remote_updated_at TIMESTAMP,
    UNIQUE (centre_id, source_id)
);

CREATE INDEX places_code_postal ON places (code_postal);
