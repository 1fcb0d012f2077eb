//! `/api/v1/export`: the public part of the directory as JSON, CSV or JSON-LD.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::directory::Access;
use crate::directory::export::ExportFormat;
use crate::domain::FieldError;
use crate::http::error::ApiError;
use crate::http::extract::Params;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
pub(super) struct ExportParams {
    /// `json` (default), `csv`, `jsonld`, or `lieux-csv` (the node's mediation places in the
    /// national schema "Lieux de médiation numérique" v1.0.2).
    pub format: Option<String>,
}

/// Public data only: published recommendations and publicly shown contacts, as consent allows.
#[utoipa::path(get, path = "/api/v1/export", tag = "export", params(ExportParams),
    responses((status = 200, description = "The export document", content(
        ("application/json"), ("text/csv"), ("application/ld+json")))))]
pub(super) async fn export(
    State(state): State<AppState>,
    Params(params): Params<ExportParams>,
) -> Result<impl IntoResponse, ApiError> {
    let requested = params.format.as_deref().unwrap_or("json");
    let format = ExportFormat::parse(requested).ok_or_else(|| {
        FieldError::new(
            "format",
            format!("`{requested}` is not one of json, csv, jsonld, lieux-csv"),
        )
    })?;
    let body = state.directory.export_as(format, Access::Public).await?;
    let filename = format!("attachment; filename=\"maillage.{}\"", format.extension());
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (header::CONTENT_DISPOSITION, filename),
        ],
        body,
    ))
}
