//! `docker-compose.yml` is checked as data: the services, ports, volumes and environment a
//! user relies on. (No Docker engine runs here; this is what can be checked without one.)

use serde_json::Value;

fn compose() -> Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docker-compose.yml"))
        .expect("docker-compose.yml at the top of the repository");
    serde_saphyr::from_str(&text).expect("docker-compose.yml is valid YAML")
}

fn env_of(service: &Value) -> Vec<(String, String)> {
    match &service["environment"] {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                )
            })
            .collect(),
        Value::Array(items) => items
            .iter()
            .filter_map(|i| i.as_str()?.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        _ => Vec::new(),
    }
}

fn get<'a>(env: &'a [(String, String)], key: &str) -> Option<&'a str> {
    env.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

#[test]
fn node_runs_on_postgres_with_persistent_volumes() {
    let doc = compose();
    let services = doc["services"].as_object().expect("services");
    let node = &services["maillage"];
    let db = &services["postgres"];

    assert!(
        db["image"].as_str().unwrap().starts_with("postgres:15"),
        "PostgreSQL 15, as tested"
    );
    let db_env = env_of(db);
    let (user, password, name) = (
        get(&db_env, "POSTGRES_USER").unwrap(),
        get(&db_env, "POSTGRES_PASSWORD").unwrap(),
        get(&db_env, "POSTGRES_DB").unwrap(),
    );
    assert!(db["healthcheck"]["test"].is_array() || db["healthcheck"]["test"].is_string());
    let db_volumes: Vec<&str> = db["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        db_volumes
            .iter()
            .any(|v| v.ends_with(":/var/lib/postgresql/data"))
    );

    // The node: built from this repository, on PostgreSQL, its data dir on a volume.
    assert!(node["build"].is_string() || node["build"].is_object());
    let env = env_of(node);
    let url = get(&env, "MAILLAGE_DATABASE_URL").expect("MAILLAGE_DATABASE_URL");
    assert_eq!(
        url,
        format!("postgres://{user}:{password}@postgres:5432/{name}")
    );
    assert_eq!(get(&env, "MAILLAGE_BIND"), Some("0.0.0.0:8080"));
    assert!(get(&env, "MAILLAGE_DOMAIN").is_some());
    assert!(get(&env, "MAILLAGE_DATA_DIR").is_some());
    let ports: Vec<&str> = node["ports"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(ports.iter().any(|p| p.ends_with(":8080")), "{ports:?}");
    let volumes: Vec<&str> = node["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let data_dir = get(&env, "MAILLAGE_DATA_DIR").unwrap();
    assert!(
        volumes.iter().any(|v| v.ends_with(&format!(":{data_dir}"))),
        "{volumes:?}"
    );
    assert_eq!(
        node["depends_on"]["postgres"]["condition"],
        "service_healthy"
    );

    // Named volumes are declared.
    let declared = doc["volumes"].as_object().expect("top-level volumes");
    for v in volumes.iter().chain(db_volumes.iter()) {
        let name = v.split(':').next().unwrap();
        if !name.starts_with('.') && !name.starts_with('/') {
            assert!(declared.contains_key(name), "volume {name} is not declared");
        }
    }
}

#[test]
fn a_second_node_comes_with_the_federation_profile() {
    let doc = compose();
    let services = doc["services"].as_object().unwrap();
    let second = services
        .values()
        .find(|s| {
            s["profiles"]
                .as_array()
                .is_some_and(|p| p.iter().any(|x| x == "federation"))
        })
        .expect("a service under the `federation` profile");
    let env = env_of(second);
    let first_env = env_of(&services["maillage"]);
    assert_ne!(
        get(&env, "MAILLAGE_DOMAIN"),
        get(&first_env, "MAILLAGE_DOMAIN")
    );
    assert_ne!(
        get(&env, "MAILLAGE_DATABASE_URL"),
        get(&first_env, "MAILLAGE_DATABASE_URL")
    );
    let ports: Vec<&str> = second["ports"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let first_ports: Vec<&str> = services["maillage"]["ports"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        ports.iter().all(|p| !first_ports.contains(p)),
        "the two nodes publish different ports"
    );
    // The main services run without a profile.
    assert!(services["maillage"].get("profiles").is_none());
    assert!(services["postgres"].get("profiles").is_none());
}
