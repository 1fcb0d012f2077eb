//! Typed row ids for the calls where ids of different tables meet (a centre and the
//! recommendation it endorses, a centre and a software, a recommendation and the products it
//! replaces): a swapped pair does not compile.

/// `centres.id`: a centre of this node or an actor known from elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CentreId(pub i64);

/// `recommendations.id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RecommendationId(pub i64);

/// `software.id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SoftwareId(pub i64);

/// `products.id`: a proprietary product a recommendation replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProductId(pub i64);
