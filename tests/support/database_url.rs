//! One helper shared by the test suites and the benchmarks (included with `#[path]`): the
//! URL of another database on the same PostgreSQL server.

/// The server URL with its database name replaced (`postgres://u@/postgres?host=/d` ->
/// `postgres://u@/NAME?host=/d`).
pub fn with_database(server: &str, name: &str) -> String {
    // Not `url::Url`: libpq URLs with an empty host (`postgres://u@/db`) are not URLs to it.
    let after_scheme = server.find("://").map_or(0, |i| i + 3);
    let path_start = server[after_scheme..]
        .find('/')
        .map_or(server.len(), |i| after_scheme + i);
    let query_start = server[path_start..]
        .find('?')
        .map_or(server.len(), |i| path_start + i);
    format!("{}/{name}{}", &server[..path_start], &server[query_start..])
}

#[test]
fn database_names_are_replaced_in_libpq_urls() {
    assert_eq!(
        with_database("postgres://postgres@/postgres?host=/tmp/pg", "t1"),
        "postgres://postgres@/t1?host=/tmp/pg"
    );
    assert_eq!(
        with_database("postgres://u:p@db:5432/x", "t2"),
        "postgres://u:p@db:5432/t2"
    );
    assert_eq!(with_database("postgres://u@db", "t3"), "postgres://u@db/t3");
}
