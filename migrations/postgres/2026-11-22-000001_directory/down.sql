DROP TABLE api_tokens;
DROP TABLE contacts;
DROP TABLE recommendation_products;
DROP TABLE recommendations;
DROP TABLE products;
DROP TABLE software;
DROP TABLE centres;
