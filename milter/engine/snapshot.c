/* snapshot.c - placeholder until written */
