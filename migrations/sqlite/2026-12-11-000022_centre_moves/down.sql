DROP TABLE centre_moves;
