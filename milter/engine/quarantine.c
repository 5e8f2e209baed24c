/* quarantine.c - placeholder until written */
