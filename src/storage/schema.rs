//! Table definitions shared by both backends (the migrations in `migrations/sqlite` and
//! `migrations/postgres` must keep them true).

diesel::table! {
    centres (id) {
        id -> BigInt,
        actor_id -> Text,
        username -> Text,
        domain -> Text,
        name -> Text,
        summary -> Nullable<Text>,
        website -> Nullable<Text>,
        region -> Nullable<Text>,
        icon -> Nullable<Text>,
        local -> Bool,
        public_key -> Text,
        private_key -> Nullable<Text>,
        inbox_url -> Text,
        shared_inbox_url -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        actor_type -> Text,
        is_directory -> Bool,
        manually_approves -> Bool,
        outbox_url -> Nullable<Text>,
        last_refreshed_at -> Nullable<Timestamp>,
        header -> Nullable<Text>,
        contact -> Nullable<Text>,
    }
}

diesel::table! {
    instance_keys (id) {
        id -> Integer,
        public_key -> Text,
        private_key -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    providers (id) {
        id -> BigInt,
        key -> Text,
        name -> Text,
        website -> Text,
        website_key -> Text,
        kind -> Text,
        chatons -> Bool,
        country -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    software (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        homepage -> Text,
        homepage_key -> Text,
        repository -> Nullable<Text>,
        repository_key -> Nullable<Text>,
        license -> Nullable<Text>,
        wikidata -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    products (id) {
        id -> BigInt,
        name -> Text,
        match_key -> Text,
    }
}

diesel::table! {
    recommendations (id) {
        id -> BigInt,
        key -> Text,
        ap_id -> Text,
        centre_id -> BigInt,
        software_id -> BigInt,
        category -> Text,
        summary -> Text,
        rationale -> Nullable<Text>,
        language -> Text,
        level -> Text,
        region -> Nullable<Text>,
        audience -> Text,
        hosting -> Text,
        status -> Text,
        local -> Bool,
        hidden -> Bool,
        search_text -> Text,
        published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        remote_updated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    recommendation_products (recommendation_id, product_id) {
        recommendation_id -> BigInt,
        product_id -> BigInt,
        position -> Integer,
    }
}

diesel::table! {
    contacts (id) {
        id -> BigInt,
        key -> Text,
        ap_id -> Text,
        centre_id -> BigInt,
        name -> Text,
        role -> Nullable<Text>,
        area -> Text,
        skills -> Text,
        languages -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        website -> Nullable<Text>,
        contact_form -> Nullable<Text>,
        visibility -> Text,
        consent -> Nullable<Text>,
        import_ref -> Nullable<Text>,
        local -> Bool,
        hidden -> Bool,
        search_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        remote_updated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    places (id) {
        id -> BigInt,
        key -> Text,
        ap_id -> Text,
        centre_id -> BigInt,
        source_id -> Nullable<Text>,
        pivot -> Text,
        nom -> Text,
        commune -> Text,
        code_postal -> Text,
        code_insee -> Nullable<Text>,
        adresse -> Text,
        complement_adresse -> Nullable<Text>,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
        telephone -> Nullable<Text>,
        horaires -> Nullable<Text>,
        presentation_resume -> Nullable<Text>,
        presentation_detail -> Nullable<Text>,
        source -> Nullable<Text>,
        structure_parente -> Nullable<Text>,
        date_maj -> Text,
        autres_formations_labels -> Nullable<Text>,
        fiche_acces_libre -> Nullable<Text>,
        prise_rdv -> Nullable<Text>,
        lists -> Text,
        local -> Bool,
        hidden -> Bool,
        search_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        remote_updated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    events (id) {
        id -> BigInt,
        key -> Text,
        ap_id -> Text,
        centre_id -> BigInt,
        place_id -> Nullable<BigInt>,
        name -> Text,
        summary -> Nullable<Text>,
        start_at -> Timestamp,
        end_at -> Timestamp,
        start_offset -> Integer,
        end_offset -> Integer,
        booking_url -> Nullable<Text>,
        online_url -> Nullable<Text>,
        location -> Nullable<Text>,
        local -> Bool,
        hidden -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        remote_updated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        token_hash -> Text,
        label -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    follows (id) {
        id -> BigInt,
        key -> Text,
        activity_id -> Text,
        follower_id -> BigInt,
        target_id -> BigInt,
        state -> Text,
        backfilled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        backfill_state -> Nullable<Text>,
        backfill_next -> Nullable<Text>,
        backfill_items -> BigInt,
        backfill_pages -> BigInt,
        backfill_error -> Nullable<Text>,
        backfill_started_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    followers (id) {
        id -> BigInt,
        key -> Text,
        centre_id -> BigInt,
        actor_id -> BigInt,
        activity_id -> Text,
        state -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        trusted -> Bool,
    }
}

diesel::table! {
    login_failures (key) {
        key -> Text,
        failures -> BigInt,
        last_failure_at -> Timestamp,
    }
}

diesel::table! {
    endorsements (id) {
        id -> BigInt,
        key -> Text,
        activity_id -> Text,
        centre_id -> BigInt,
        recommendation_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    group_announces (id) {
        id -> BigInt,
        network_id -> BigInt,
        member_id -> BigInt,
        activity_id -> Text,
        object_id -> Text,
        announce_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    group_entries (id) {
        id -> BigInt,
        network_id -> BigInt,
        object_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tombstones (ap_id) {
        ap_id -> Text,
        deleted_at -> Timestamp,
    }
}

diesel::table! {
    received_activities (activity_id) {
        activity_id -> Text,
        received_at -> Timestamp,
    }
}

diesel::table! {
    domain_rules (domain) {
        domain -> Text,
        rule -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outgoing_activities (id) {
        id -> BigInt,
        activity_id -> Text,
        actor_id -> BigInt,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    deliveries (id) {
        id -> BigInt,
        outgoing_id -> BigInt,
        host -> Text,
        inbox -> Text,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_error -> Nullable<Text>,
        delivered_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    delivery_hosts (host) {
        host -> Text,
        fail_count -> Integer,
        failing_since -> Nullable<Timestamp>,
        last_success_at -> Nullable<Timestamp>,
        last_failure_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        next_attempt_at -> Timestamp,
        unavailable -> Bool,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    accounts (id) {
        id -> BigInt,
        name -> Text,
        password_hash -> Text,
        created_at -> Timestamp,
        last_login_at -> Nullable<Timestamp>,
        role -> Text,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        token_hash -> Text,
        account_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    help_requests (id) {
        id -> BigInt,
        reference -> Text,
        centre_id -> BigInt,
        channel -> Text,
        routing -> Text,
        name -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        postcode -> Nullable<Text>,
        commune -> Nullable<Text>,
        organisation_kind -> Text,
        need -> Text,
        software -> Nullable<Text>,
        category -> Nullable<Text>,
        consent_text -> Text,
        consent_given_at -> Timestamp,
        account_actor_id -> Nullable<Text>,
        account_handle -> Nullable<Text>,
        account_inbox -> Nullable<Text>,
        origin_node -> Nullable<Text>,
        source_id -> Nullable<Text>,
        status -> Text,
        assigned_contact_id -> Nullable<BigInt>,
        staff_notes -> Text,
        notified_at -> Nullable<Timestamp>,
        notify_attempts -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    help_messages (id) {
        id -> BigInt,
        request_id -> BigInt,
        direction -> Text,
        author -> Text,
        body -> Text,
        ap_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(sessions -> accounts (account_id));
diesel::joinable!(help_requests -> centres (centre_id));
diesel::joinable!(help_messages -> help_requests (request_id));

diesel::table! {
    search_changes (seq) {
        seq -> BigInt,
        kind -> Text,
        key -> Text,
        changed_at -> Timestamp,
    }
}

diesel::joinable!(deliveries -> outgoing_activities (outgoing_id));
diesel::joinable!(outgoing_activities -> centres (actor_id));
diesel::joinable!(recommendations -> centres (centre_id));
diesel::joinable!(endorsements -> recommendations (recommendation_id));
diesel::joinable!(recommendations -> software (software_id));
diesel::joinable!(recommendation_products -> recommendations (recommendation_id));
diesel::joinable!(recommendation_products -> products (product_id));
diesel::joinable!(contacts -> centres (centre_id));
diesel::joinable!(places -> centres (centre_id));
diesel::joinable!(events -> centres (centre_id));
diesel::joinable!(events -> places (place_id));

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        actor -> Text,
        action -> Text,
        kind -> Text,
        object_key -> Text,
        title -> Text,
    }
}

diesel::table! {
    relays (id) {
        id -> BigInt,
        key -> Text,
        actor_id -> Text,
        inbox_url -> Text,
        follow_activity -> Text,
        state -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        attempts -> Integer,
        next_attempt_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    centre_moves (centre_id) {
        centre_id -> BigInt,
        also_known_as -> Text,
        moved_to -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    audit_log,
    centres,
    software,
    providers,
    products,
    recommendations,
    recommendation_products,
    contacts,
    places,
    events,
    api_tokens,
    accounts,
    sessions,
    follows,
    followers,
    endorsements,
    group_announces,
    group_entries,
    tombstones,
    received_activities,
    domain_rules,
    instance_keys,
    outgoing_activities,
    deliveries,
    delivery_hosts,
    search_changes,
    login_failures,
    help_requests,
    help_messages,
    relays,
    centre_moves,
);
