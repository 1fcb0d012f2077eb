DROP TABLE help_messages;
DROP TABLE help_requests;
