/* mime_walk.c - placeholder until written */
