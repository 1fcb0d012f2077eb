DROP TABLE group_entries;
DROP TABLE group_announces;
